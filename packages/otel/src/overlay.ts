/**
 * A read-only view of `target` with some fields replaced. The proxy's own
 * target is an empty object, so frozen SDK objects raise no invariant errors,
 * and fields a future SDK adds are still read from the original.
 */
export function overlay<T extends object>(target: T, fields: Record<string, unknown>): T {
  return new Proxy({} as T, {
    get(_empty, key) {
      if (typeof key === 'string' && Object.hasOwn(fields, key)) return fields[key];
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function'
        ? (value as (...args: unknown[]) => unknown).bind(target)
        : value;
    },
    has(_empty, key) {
      return (typeof key === 'string' && Object.hasOwn(fields, key)) || Reflect.has(target, key);
    },
    ownKeys() {
      const keys = new Set<string | symbol>(Reflect.ownKeys(target));
      for (const key of Object.keys(fields)) keys.add(key);
      return [...keys];
    },
    getOwnPropertyDescriptor(_empty, key) {
      const own = typeof key === 'string' && Object.hasOwn(fields, key);
      const base = own ? undefined : Reflect.getOwnPropertyDescriptor(target, key);
      if (!own && base === undefined) return undefined;
      const value: unknown = own ? fields[key] : Reflect.get(target, key, target);
      return {
        value,
        writable: false,
        enumerable: own || base?.enumerable === true,
        configurable: true,
      };
    },
    set() {
      return false;
    },
    defineProperty() {
      return false;
    },
    deleteProperty() {
      return false;
    },
  });
}
