import type { components } from '../../../../clients/typescript';

export type FirmwareMetadata = components['schemas']['FirmwareMetadataDto'];
export type UpdateType = NonNullable<FirmwareMetadata['update_type']>;

export const UPDATE_TYPES: readonly UpdateType[] = ['firmware', 'software', 'application', 'config', 'bootloader', 'security_patch'];

/** The upload form as typed: text fields are strings, empty when not given. */
export interface UploadForm {
  name: string;
  version: string;
  deviceModel: string;
  manufacturer: string;
  updateType: UpdateType;
  description: string;
  minHardwareVersion: string;
  maxHardwareVersion: string;
  /** Comma-separated. */
  tags: string;
  isBeta: boolean;
  isSecurityUpdate: boolean;
  changelog: string;
  signature: string;
  signingKeyId: string;
}

export type UploadField = keyof UploadForm | 'file';

export interface UploadProblem {
  field: UploadField;
  message: string;
}

export type UploadCheck = { ok: true; metadata: FirmwareMetadata } | { ok: false; problems: UploadProblem[] };

export function emptyUploadForm(): UploadForm {
  return {
    name: '',
    version: '',
    deviceModel: '',
    manufacturer: '',
    updateType: 'firmware',
    description: '',
    minHardwareVersion: '',
    maxHardwareVersion: '',
    tags: '',
    isBeta: false,
    isSecurityUpdate: false,
    changelog: '',
    signature: '',
    signingKeyId: '',
  };
}

// The service's limits (FirmwareMetadataDto), checked here so a typo costs no upload of the file.
const LIMITS = {
  name: 200,
  version: 50,
  deviceModel: 100,
  manufacturer: 100,
  description: 1000,
  minHardwareVersion: 50,
  maxHardwareVersion: 50,
  changelog: 5000,
  signature: 200,
  signingKeyId: 100,
} as const;
const MAX_TAGS = 50;
const MAX_TAG_LENGTH = 100;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The `metadata` part of `POST /firmware` from the form, or what is wrong with it. Text is
 * trimmed and empty optional fields are left out; `file_size` is the chosen file's size, so the
 * service refuses the upload if the bytes it receives differ.
 */
export function buildUploadMetadata(form: UploadForm, file: { size: number } | undefined): UploadCheck {
  const problems: UploadProblem[] = [];
  const text = (field: keyof typeof LIMITS, label: string, required = false): string | undefined => {
    const value = form[field].trim();
    if (value === '') {
      if (required) problems.push({ field, message: `${label} is required` });
      return undefined;
    }
    if (value.length > LIMITS[field]) problems.push({ field, message: `${label} has at most ${LIMITS[field]} characters` });
    return value;
  };

  if (file === undefined) problems.push({ field: 'file', message: 'Choose the firmware file' });
  else if (file.size === 0) problems.push({ field: 'file', message: 'The file is empty' });

  const name = text('name', 'Name', true);
  const version = text('version', 'Version', true);
  const deviceModel = text('deviceModel', 'Device model', true);
  const manufacturer = text('manufacturer', 'Manufacturer');
  const description = text('description', 'Description');
  const minHardware = text('minHardwareVersion', 'Oldest hardware revision');
  const maxHardware = text('maxHardwareVersion', 'Newest hardware revision');
  const changelog = text('changelog', 'Release notes');
  const signature = text('signature', 'Signature');
  const signingKeyId = text('signingKeyId', 'Signing key id');
  const tags = tagsOf(form.tags);

  if (tags.length > MAX_TAGS) problems.push({ field: 'tags', message: `At most ${MAX_TAGS} tags` });
  const longTag = tags.find((tag) => tag.length > MAX_TAG_LENGTH);
  if (longTag !== undefined) problems.push({ field: 'tags', message: `Tag "${longTag.slice(0, 20)}…" has more than ${MAX_TAG_LENGTH} characters` });
  if (signature !== undefined && !BASE64.test(signature)) problems.push({ field: 'signature', message: 'The signature must be base64' });
  if ((signature === undefined) !== (signingKeyId === undefined)) {
    problems.push({ field: signature === undefined ? 'signature' : 'signingKeyId', message: 'A signature and its signing key id go together' });
  }

  if (problems.length > 0 || name === undefined || version === undefined || deviceModel === undefined) return { ok: false, problems };
  const metadata: FirmwareMetadata = {
    name,
    version,
    device_model: deviceModel,
    update_type: form.updateType,
    ...(manufacturer !== undefined && { manufacturer }),
    ...(description !== undefined && { description }),
    ...(minHardware !== undefined && { min_hardware_version: minHardware }),
    ...(maxHardware !== undefined && { max_hardware_version: maxHardware }),
    ...(tags.length > 0 && { tags }),
    ...(form.isBeta && { is_beta: true }),
    ...(form.isSecurityUpdate && { is_security_update: true }),
    ...(changelog !== undefined && { changelog }),
    ...(signature !== undefined && { signature }),
    ...(signingKeyId !== undefined && { signing_key_id: signingKeyId }),
    ...(file !== undefined && { file_size: file.size }),
  };
  return { ok: true, metadata };
}

/** Comma-separated tags, trimmed, each once, in the order given. */
export function tagsOf(text: string): string[] {
  return [...new Set(text.split(',').map((tag) => tag.trim()).filter((tag) => tag !== ''))];
}
