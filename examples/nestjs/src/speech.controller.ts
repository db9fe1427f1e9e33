import { Body, Controller, Logger, Post, Query, Req } from '@nestjs/common';
import { currentScope } from '@zrm/core';
import { scopeOfRequest } from '@zrm/express';
import type { IncomingMessage } from 'node:http';

interface SpeechBody {
  text?: unknown;
  fail?: unknown;
}

/** What the request's own object says: Fastify's `request.zeroRetention`, Express's scope of `req`. */
function modeOfRequest(req: IncomingMessage | { zeroRetention?: boolean; raw: IncomingMessage }) {
  if ('raw' in req) return req.zeroRetention;
  return scopeOfRequest(req)?.zeroRetention;
}

@Controller('v1')
export class SpeechController {
  private readonly logger = new Logger(SpeechController.name);

  @Post('text-to-speech')
  synthesize(
    @Body() body: SpeechBody,
    @Query('voice') voice: string | undefined,
    @Req() req: IncomingMessage | { zeroRetention?: boolean; raw: IncomingMessage },
  ) {
    const text = String(body.text);
    this.logger.log(`synthesizing "${text}" with voice ${voice}`);
    if (body.fail === true) throw new Error(`synthesis failed for "${text}"`);
    const scope = currentScope();
    return {
      zeroRetention: scope?.zeroRetention ?? false,
      requestId: scope?.requestId,
      requestZeroRetention: modeOfRequest(req),
    };
  }
}
