/** Per-request state of the plugin, kept on the raw request under a symbol (never a loose key). */
export const kRequestState = Symbol.for('@zrm/fastify.request-state');
