import { describe, expect, it } from 'vitest';
import { overlay } from '../src/overlay.js';

describe('overlay', () => {
  it('shows the replaced fields of a frozen object, and its other fields and methods', () => {
    const target = Object.freeze({
      name: 'secret name',
      kept: 42,
      id(): number {
        return this.kept;
      },
    });
    const view = overlay(target, { name: '[REDACTED]' });
    expect(view.name).toBe('[REDACTED]');
    expect(view.kept).toBe(42);
    expect(view.id()).toBe(42);
    expect(JSON.parse(JSON.stringify(view))).toEqual({ name: '[REDACTED]', kept: 42 });
    expect({ ...view }).toMatchObject({ name: '[REDACTED]', kept: 42 });
  });

  it('cannot be written through', () => {
    const target = { name: 'a' };
    const view = overlay(target, { name: 'b' });
    expect(Reflect.set(view, 'name', 'c')).toBe(false);
    expect(Reflect.deleteProperty(view, 'name')).toBe(false);
    expect(target.name).toBe('a');
  });
});
