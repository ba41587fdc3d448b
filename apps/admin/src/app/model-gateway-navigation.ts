import type { NavigationItem } from './navigation';

/** The model-gateway layer's sidebar entries; routes in model-gateway-routes.tsx. */
export const MODEL_GATEWAY_NAVIGATION: readonly NavigationItem[] = [];
