import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { STRATA_VERSION } from '../version';

/** Serves the OpenAPI document at /openapi.json and the browsable docs at /docs. */
export function setUpOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Strata API')
      .setDescription('Self-hosted platform for running AI agents in production.')
      .setVersion(STRATA_VERSION)
      .addApiKey({ type: 'apiKey', in: 'header', name: 'Authorization' }, 'api-key')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    customSiteTitle: 'Strata API',
  });
}
