/**
 * The framework floor: NestJS on Fastify (what Flowgate is built on) with one controller around the
 * same thin endpoint, and nothing of Flowgate's (no guards, interceptors, logging, metrics). The gap
 * from the thin baseline is what the framework costs; the gap to Flowgate is what Flowgate adds.
 *
 * env: PORT, FLOW_PRIVATE_KEY_FILE, WHATSAPP_APP_SECRET
 */
import 'reflect-metadata';
import { Controller, Get, Header, HttpCode, Module, Post, Req, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { lagWindow, thinAnswer } from './lib/thin-endpoint.js';

@Controller()
class ThinController {
  @Post('flows/:flow')
  @HttpCode(200)
  @Header('content-type', 'text/plain')
  handle(@Req() request: FastifyRequest & { rawBody?: Buffer }, @Res({ passthrough: true }) reply: FastifyReply): string {
    const { status, body } = thinAnswer(request.rawBody!, request.headers['x-hub-signature-256'] as string | undefined);
    reply.status(status);
    return body;
  }

  @Get('lag')
  lag() {
    return lagWindow();
  }
}

@Module({ controllers: [ThinController] })
class ThinModule {}

const app = await NestFactory.create<NestFastifyApplication>(ThinModule, new FastifyAdapter(), { rawBody: true, logger: false });
await app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
