import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { DeviceApiController } from './device-api.controller';
import { DeviceApiService } from './device-api.service';

/** The API devices call (with `Authorization: Device <token>`), or gateways on their behalf. */
@Module({
  imports: [DevicesModule],
  controllers: [DeviceApiController],
  providers: [DeviceApiService],
})
export class DeviceApiModule {}
