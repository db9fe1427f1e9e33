import { currentScope, ZrmError } from '@zrm/core';
import type { Logger } from 'pino';
import { tenantOf } from './config.js';
import { apiKeyOf } from './policy.js';
import type { RequestContext, Services } from './services.js';

/** The request's tenant from its API key; 401 (content-free) when the key is unknown. */
export function requestContext(
  services: Services,
  req: { headers: Record<string, string | string[] | undefined> },
  log: Logger,
): RequestContext {
  const tenant = tenantOf(services.config, apiKeyOf(req));
  if (tenant === undefined) {
    throw new ZrmError('invalid_request', 'A valid xi-api-key header is required.', {
      param: 'xi-api-key',
      status: 401,
    });
  }
  return { tenant, requestId: currentScope()?.requestId, log, req };
}
