export { loadConfig, ConfigValidationError, SERVICE_VERSION, type AppConfig, type Role } from './app-config';
export { ConfigModule, APP_CONFIG } from './config.module';
