export { ModelGatewayModule } from './lib/model-gateway.module';
export { ModelGatewayError } from './lib/model-gateway.errors';
