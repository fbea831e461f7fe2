/**
 * The framework floor in Flowgate's shape: the framework floor's controller with the thin endpoint
 * split the way Flowgate's data endpoint is, a guard that checks the signature and an interceptor
 * that decrypts and hands the handler how to seal its answer, and nothing else of Flowgate's. Its
 * gap from the framework floor is what Nest charges a request for running a guard and an
 * interceptor (the interceptor's observables are built on every request); the gap from it to
 * Flowgate is what Flowgate's own code adds.
 *
 * env: PORT, FLOW_PRIVATE_KEY_FILE, WHATSAPP_APP_SECRET
 */
import 'reflect-metadata';
import {
  Controller,
  Get,
  Header,
  HttpCode,
  HttpException,
  Injectable,
  Module,
  Post,
  Req,
  UseGuards,
  UseInterceptors,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { lagWindow, openEnvelope, PING_REPLY, signatureValid, type OpenedRequest } from './lib/thin-endpoint.js';

type ShapedRequest = FastifyRequest & { rawBody?: Buffer; opened?: OpenedRequest };

@Injectable()
class SignatureGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<ShapedRequest>();
    if (!signatureValid(request.rawBody!, request.headers['x-hub-signature-256'] as string | undefined)) throw new HttpException('', 432);
    return true;
  }
}

@Injectable()
class CryptoInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<string> {
    const request = context.switchToHttp().getRequest<ShapedRequest>();
    const opened = openEnvelope(request.rawBody!);
    if ('status' in opened) throw new HttpException('', opened.status);
    request.opened = opened;
    return next.handle();
  }
}

@Controller()
class ShapedController {
  @Post('flows/:flow')
  @HttpCode(200)
  @Header('content-type', 'text/plain')
  @UseGuards(SignatureGuard)
  @UseInterceptors(CryptoInterceptor)
  handle(@Req() request: ShapedRequest): string {
    return request.opened!.seal(PING_REPLY);
  }

  @Get('lag')
  lag() {
    return lagWindow();
  }
}

@Module({ controllers: [ShapedController], providers: [SignatureGuard, CryptoInterceptor] })
class ShapedModule {}

const app = await NestFactory.create<NestFastifyApplication>(ShapedModule, new FastifyAdapter(), { rawBody: true, logger: false });
await app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
