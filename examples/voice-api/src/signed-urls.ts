import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a signed conversation URL stays valid, as the vendor's do. */
const VALID_MS = 15 * 60_000;

/**
 * Signatures of conversation URLs (`GET /v1/convai/conversation/get-signed-url`):
 * a client that must not hold the API key opens the agent's conversation with
 * one. Stateless: the tenant, agent and expiry are signed with a key made at
 * start-up, so the policy can tell the tenant of a websocket upgrade from its URL.
 */
export class SignedUrls {
  readonly #key = randomBytes(32);

  sign(tenant: string, agentId: string, now = Date.now()): string {
    const claims = Buffer.from(JSON.stringify([tenant, agentId, now + VALID_MS])).toString(
      'base64url',
    );
    return `${claims}.${this.#mac(claims)}`;
  }

  /** The tenant a signature was made for, when it is genuine, unexpired and for this agent. */
  verify(signature: string, agentId: string, now = Date.now()): string | undefined {
    const [claims, mac, extra] = signature.split('.');
    if (claims === undefined || mac === undefined || extra !== undefined) return undefined;
    const expected = Buffer.from(this.#mac(claims));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const [tenant, agent, expires] = JSON.parse(
      Buffer.from(claims, 'base64url').toString('utf8'),
    ) as [string, string, number];
    return agent === agentId && expires > now ? tenant : undefined;
  }

  #mac(claims: string): string {
    return createHmac('sha256', this.#key).update(claims).digest('base64url');
  }
}
