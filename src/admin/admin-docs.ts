import { Controller, Get, Injectable, UseGuards } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AdminTokenGuard } from './admin-token.guard.js';

/** The admin API's OpenAPI document, built once the application's routes are known. */
@Injectable()
export class AdminDocs {
  document?: OpenAPIObject;

  build(app: INestApplication): void {
    const config = new DocumentBuilder()
      .setTitle('Flowgate admin API')
      .setDescription(
        'Flow tokens, flow messages, flows on Meta, keys and webhook dead letters. Every route needs `Authorization: Bearer <ADMIN_TOKEN>`.',
      )
      .addBearerAuth()
      .addSecurityRequirements('bearer')
      .build();
    const document = SwaggerModule.createDocument(app, config);
    // Only the admin routes: the data endpoint and webhooks are Meta's contract, not an API for people.
    document.paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => path.startsWith('/admin')));
    this.document = document;
  }
}

@Controller('admin/docs')
@UseGuards(AdminTokenGuard)
export class AdminDocsController {
  constructor(private readonly docs: AdminDocs) {}

  /** The OpenAPI 3 document (JSON). */
  @Get()
  get(): OpenAPIObject | undefined {
    return this.docs.document;
  }
}
