/** The platform's configuration, provided by ContextModule.forRoot for the layer's services. */
export const CONTEXT_CONFIG = Symbol('CONTEXT_CONFIG');
