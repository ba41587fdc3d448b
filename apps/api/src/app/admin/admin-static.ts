import { existsSync } from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';

export const ADMIN_BASE = '/admin/';

/**
 * Serves the built admin app under /admin/ (the API keeps the root paths), with index.html for
 * client-side routes, and sends `/` there. Without a build, /admin/ says how to make one.
 */
export function serveAdmin(app: NestExpressApplication, distDir: string): { served: boolean } {
  const root = path.resolve(distDir);
  const index = path.join(root, 'index.html');
  const served = distDir !== '' && existsSync(index);

  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.method === 'GET' && request.path === '/') return response.redirect(302, ADMIN_BASE);
    next();
  });
  if (!served) {
    app.use(ADMIN_BASE, (_request: Request, response: Response) => {
      response.status(404).json({
        error: {
          code: 'http.admin_not_built',
          message: `The admin app is not built (no ${index}). Run \`npx nx build admin\`, or start with \`npm start\`.`,
        },
      });
    });
    return { served };
  }
  app.useStaticAssets(root, { prefix: ADMIN_BASE, index: false, maxAge: '1h', immutable: false });
  app.use(ADMIN_BASE, (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' || !request.accepts('html')) return next();
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(index);
  });
  return { served };
}
