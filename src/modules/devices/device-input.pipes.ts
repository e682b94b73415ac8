import { Injectable, type PipeTransform } from '@nestjs/common';
import { type FieldError, ValidationError } from '../../common/errors/domain-error';
import { type DeviceCollections, type DeviceRecord, readDeviceCollections, readDeviceRecord } from './device-input';

/** Checks a `POST /devices` body with the registration rules the import uses too. */
@Injectable()
export class DeviceRecordPipe implements PipeTransform<unknown, DeviceRecord> {
  transform(value: unknown): DeviceRecord {
    const errors: FieldError[] = [];
    const record = readDeviceRecord(value, errors);
    if (record === null) throw inBody(errors);
    return record;
  }
}

/** Checks a `PATCH /devices/{device_id}` body. */
@Injectable()
export class DeviceCollectionsPipe implements PipeTransform<unknown, DeviceCollections> {
  transform(value: unknown): DeviceCollections {
    const errors: FieldError[] = [];
    const collections = readDeviceCollections(value, errors);
    if (collections === null) throw inBody(errors);
    return collections;
  }
}

function inBody(errors: FieldError[]): ValidationError {
  return new ValidationError(errors.map((error) => ({ ...error, loc: ['body', ...error.loc] })));
}
