import {
  currentScope,
  definePolicy,
  isZrmError,
  type Policy,
  type ZrmDecision,
  type ZrmScope,
} from '@zrm/core';
import {
  createScope,
  decide,
  enforceZeroRetentionHeaders,
  isThenable,
  registerQuery,
  whenDecided,
} from '@zrm/core/adapter';
import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { bindRequest } from './bind-request.js';
import { guardMultipart } from './multipart.js';
import { refuseRequest } from './refuse.js';
import { registerBody } from './register-content.js';
import { isZeroRetentionPino, wrapRequestLogger } from './request-logger.js';
import { requestStateOf as stateOf, scopeOf } from './request-state.js';
import type { ZeroRetentionFastifyOptions } from './types.js';
import { useForNotFound } from './not-found.js';
import { logsNothing } from './silent-logger.js';
import { bindWebSocket } from './websocket.js';

type FastifyChildLoggerFactory = FastifyInstance['childLoggerFactory'];

const kScope = Symbol('@zrm/fastify.response-scope');
type RawResponse = ServerResponse & { [kScope]?: ZrmScope };

function endScopeOfResponse(this: RawResponse): void {
  this[kScope]?.end();
}

function setZeroRetentionHeaders(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store');
  reply.header('zero-retention', 'enforced');
}

const zeroRetentionPlugin: FastifyPluginCallback<ZeroRetentionFastifyOptions> = (
  fastify,
  options,
  done,
) => {
  let policy: Policy<FastifyRequest>;
  try {
    policy = definePolicy<FastifyRequest>(options);
  } catch (error) {
    done(error as Error);
    return;
  }
  const previousFactory = fastify.childLoggerFactory;

  // Fastify logs "incoming request" before any hook runs: the request's logger decides its mode first.
  const childLoggerFactory: FastifyChildLoggerFactory = function zeroRetentionChildLogger(
    logger,
    bindings,
    childOptions,
    raw,
  ) {
    const child = previousFactory.call(this, logger, bindings, childOptions, raw);
    const state = stateOf(raw, policy);
    // an early "ordinary" is final (no flag, no policy to ask): such a request keeps Fastify's own
    // logger when that logger is zrm's pino, which keeps in-flight ZRM content out of every line itself
    return state.mode === 'ordinary' && isZeroRetentionPino(child)
      ? child
      : wrapRequestLogger(child, state, policy, logger);
  };
  // without a logger Fastify makes no request logger at all: a factory would only cost time per request
  const silent = logsNothing(fastify);
  if (!silent) fastify.setChildLoggerFactory(childLoggerFactory);

  fastify.decorateRequest('zeroRetention', false);

  function start(
    request: FastifyRequest,
    reply: FastifyReply,
    decision: ZrmDecision,
    next: () => void,
  ): void {
    const raw = request.raw;
    const state = stateOf(raw, policy);
    const scope = createScope({
      zeroRetention: decision.zeroRetention,
      source: decision.source,
      requestId: String(request.id),
      policy,
    });
    state.scope = scope;
    state.decision = decision;
    (reply.raw as RawResponse)[kScope] = scope;
    // `on`, not `once`: no wrapper per request, and the response is not reused
    reply.raw.on('close', endScopeOfResponse);
    bindRequest(raw, scope);
    // Fastify goes on synchronously from `next`: the hooks, the body phase (its parser's callback is an
    // AsyncResource made here) and the handler run in this scope
    if (!scope.zeroRetention && state.mode === 'ordinary') {
      scope.run(next);
      return;
    }
    request.zeroRetention = scope.zeroRetention;
    scope.run(() => {
      if (scope.zeroRetention) {
        registerQuery(raw.url ?? '', scope);
        setZeroRetentionHeaders(reply);
        // and at the head: a handler's or a later onSend hook's caching headers never reach a ZRM response
        enforceZeroRetentionHeaders(reply.raw);
        guardMultipart(request, scope);
      }
      state.settle(scope.zeroRetention ? 'zero-retention' : 'ordinary');
      next();
    });
  }

  function refuse(
    request: FastifyRequest,
    reply: FastifyReply,
    error: unknown,
    next: (err?: Error) => void,
  ): void {
    // a refused request is kept as content-free as a ZRM one: nothing about it is retained
    start(request, reply, { zeroRetention: true, source: 'request' }, () => {
      if (isZrmError(error)) refuseRequest(reply, error);
      else
        next(error instanceof Error ? error : new Error('zrm: request mode could not be decided'));
    });
  }

  fastify.addHook('onRequest', function zeroRetentionOnRequest(request, reply, next) {
    const url = request.raw.url ?? '/';
    const decided = decide({ moment: 'head', request, url, headers: request.headers }, policy);
    // decided at once (every request without an asynchronous policy answer): no callbacks to allocate
    if (!isThenable(decided) && !isZrmError(decided)) {
      start(request, reply, decided, next);
      return;
    }
    whenDecided(
      decided,
      (decision) => start(request, reply, decision, next),
      (error) => refuse(request, reply, error, next),
    );
  });

  // Entered again here in case a hook after the plugin's lost the async context (a callback from a pool made
  // at start-up): validation, the later hooks and the handler run in the scope. In ZRM the body is content.
  fastify.addHook('preValidation', function zeroRetentionPreValidation(request, reply, next) {
    const scope = scopeOf(request.raw);
    if (scope === undefined) return next();
    if (!scope.zeroRetention) {
      if (currentScope() === scope) next();
      else scope.run(next);
      return;
    }
    scope.run(() => {
      registerBody(request.body, policy);
      const decision = stateOf(request.raw, policy).decision;
      const answer =
        decision === undefined
          ? undefined
          : decide({ moment: 'body', current: decision, body: request.body }, policy);
      if (isZrmError(answer)) return refuseRequest(reply, answer);
      next();
    });
  });

  // and once more before the handler, after a preValidation hook of the app's that lost the context
  fastify.addHook('preHandler', function zeroRetentionPreHandler(request, _reply, next) {
    const scope = scopeOf(request.raw);
    if (scope === undefined || currentScope() === scope) next();
    else scope.run(next);
  });

  fastify.addHook('onReady', function zeroRetentionOnReady(this: FastifyInstance, next) {
    if (!silent) useForNotFound(this, childLoggerFactory);
    const wss = (this as FastifyInstance & { websocketServer?: EventEmitter }).websocketServer;
    wss?.on('connection', bindWebSocket);
    next();
  });

  done();
};

/**
 * The Fastify plugin: `await app.register(zeroRetention, options)`, before the
 * routes it covers. Options are a policy or its options (`force`,
 * `entitled`, `principal`, `trustPropagated`, `statefulParams`, …).
 */
export const zeroRetention = fp(zeroRetentionPlugin, { name: '@zrm/fastify', fastify: '5.x' });
