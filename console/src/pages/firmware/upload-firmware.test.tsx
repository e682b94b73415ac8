import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/errors';
import type { Session } from '../../api/session';
import { SessionContext } from '../../api/session-context';
import { UploadFirmware } from './upload-firmware';
import { uploadFirmware, type UploadFirmwareOptions, type UploadOutcome } from './upload-request';

vi.mock('./upload-request', () => ({ uploadFirmware: vi.fn() }));
const upload = vi.mocked(uploadFirmware);

const session = { authorization: { authorization: 'Bearer t' }, canWrite: true } as unknown as Session;
const stored = {
  firmware_id: 'f'.repeat(32),
  name: 'Frame',
  version: '2.1.0',
  device_model: 'SF-1',
  file_size: 3 * 1024 * 1024,
  checksum_sha256: 'a'.repeat(64),
  checksum_md5: 'b'.repeat(32),
} as UploadOutcome['firmware'];

function renderUpload(onUploaded = vi.fn()) {
  render(
    <SessionContext.Provider value={{ session, signOut: () => undefined }}>
      <UploadFirmware onUploaded={onUploaded} />
    </SessionContext.Provider>,
  );
  return { onUploaded, section: screen.getByRole('region', { name: 'Upload firmware' }) };
}

async function fillRequired(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText('Name'), 'Frame');
  await user.type(screen.getByLabelText('Version'), '2.1.0');
  await user.type(screen.getByLabelText('Device model'), 'SF-1');
}

beforeEach(() => {
  upload.mockReset();
});

// Vitest runs without globals, so Testing Library cannot unmount by itself.

describe('UploadFirmware', () => {
  it('uploads the chosen file with its metadata, shows progress, then the checksums and a link', async () => {
    const user = userEvent.setup();
    let options: UploadFirmwareOptions | undefined;
    let finish: (outcome: UploadOutcome) => void = () => undefined;
    upload.mockImplementation((given) => {
      options = given;
      return new Promise((resolve) => (finish = resolve));
    });
    const { onUploaded } = renderUpload();

    await user.upload(screen.getByLabelText('Firmware file'), new File([new Uint8Array(4096)], 'frame.bin'));
    await fillRequired(user);
    await user.type(screen.getByLabelText('Tags'), 'stable, eu');
    await user.click(screen.getByRole('button', { name: 'Upload' }));

    expect(options?.fileName).toBe('frame.bin');
    expect(options?.authorization).toEqual({ authorization: 'Bearer t' });
    expect(options?.metadata).toEqual({ name: 'Frame', version: '2.1.0', device_model: 'SF-1', update_type: 'firmware', tags: ['stable', 'eu'], file_size: 4096 });

    act(() => options?.onProgress?.({ loaded: 1024, total: 4096 }));
    expect(screen.getByRole('progressbar', { name: 'Upload progress' })).toHaveAttribute('aria-valuenow', '25');
    expect(screen.getByRole('button', { name: 'Upload' })).toBeDisabled();

    await act(async () => finish({ firmware: stored, created: true }));
    const result = screen.getByTestId('upload-result');
    expect(within(result).getByText('SHA-256').nextElementSibling).toHaveTextContent('a'.repeat(64));
    expect(within(result).getByRole('link', { name: 'Frame 2.1.0' })).toHaveAttribute('href', `/firmware/${stored.firmware_id}`);
    expect(onUploaded).toHaveBeenCalledOnce();
    expect(screen.getByLabelText('Name')).toHaveValue('');
  });

  it('takes a file dropped on the drop zone', async () => {
    const user = userEvent.setup();
    upload.mockResolvedValue({ firmware: stored, created: true });
    renderUpload();
    const dropped = new File(['abc'], 'dropped.bin');
    fireEvent.drop(screen.getByTestId('firmware-dropzone'), { dataTransfer: { files: [dropped] } });
    expect(screen.getByTestId('chosen-file')).toHaveTextContent('dropped.bin');
    await fillRequired(user);
    await user.click(screen.getByRole('button', { name: 'Upload' }));
    expect(upload.mock.calls[0]?.[0].file).toBe(dropped);
  });

  it('says what is missing and sends nothing', async () => {
    const user = userEvent.setup();
    renderUpload();
    await user.click(screen.getByRole('button', { name: 'Upload' }));
    expect(upload).not.toHaveBeenCalled();
    expect(screen.getByRole('alert')).toHaveTextContent('Choose the firmware file; Name is required; Version is required; Device model is required');
    expect(screen.getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Name')).toHaveAccessibleDescription('Name is required');
  });

  it("shows the service's reason when it refuses, and keeps the form", async () => {
    const user = userEvent.setup();
    upload.mockRejectedValue(new ApiError(409, 'SF-1 2.1.0 is already stored with other content', 'firmware/version_exists'));
    renderUpload();
    await user.upload(screen.getByLabelText('Firmware file'), new File(['x'], 'frame.bin'));
    await fillRequired(user);
    await user.click(screen.getByRole('button', { name: 'Upload' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('SF-1 2.1.0 is already stored with other content');
    expect(screen.getByLabelText('Name')).toHaveValue('Frame');
    expect(screen.queryByRole('progressbar', { name: 'Upload progress' })).not.toBeInTheDocument();
  });

  it('stops a running upload', async () => {
    const user = userEvent.setup();
    upload.mockImplementation(
      ({ signal }) => new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new DOMException('stopped', 'AbortError')))),
    );
    renderUpload();
    await user.upload(screen.getByLabelText('Firmware file'), new File(['x'], 'frame.bin'));
    await fillRequired(user);
    await user.click(screen.getByRole('button', { name: 'Upload' }));
    await user.click(screen.getByRole('button', { name: 'Stop' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The upload was stopped; nothing was stored.');
  });
});
