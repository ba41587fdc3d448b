import type { RouteObject } from 'react-router';

/** The model-gateway layer's pages (signed-in only); each has a NAVIGATION entry in model-gateway-navigation.ts. */
export const MODEL_GATEWAY_ROUTES: RouteObject[] = [];
