import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../common/auth/auth.decorators';
import { sendDownload } from './download-response';
import { DownloadsService } from './downloads.service';

const BINARY = { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } };
const ERROR = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } };

const FILE_HEADERS = {
  'Accept-Ranges': { description: 'Always `bytes`: resume with a `Range` request', schema: { type: 'string', example: 'bytes' } },
  'Content-Length': { description: 'Bytes in this response', schema: { type: 'integer' } },
  'Content-Disposition': { description: 'File name to save as', schema: { type: 'string', example: 'attachment; filename="sensor-v2.1.0.bin"' } },
  ETag: { description: 'Validator for `If-Range`, `If-None-Match`', schema: { type: 'string' } },
};

@ApiTags('downloads')
@Controller('downloads')
export class DownloadsController {
  constructor(private readonly downloads: DownloadsService) {}

  /** Downloads a firmware binary through a signed, expiring link (GET or HEAD, resumable with Range). */
  @ApiOperation({
    description:
      'The `download_url` issued by `GET /api/v1/firmware/{firmware_id}/download` when firmware is stored on the ' +
      "service's filesystem; the link itself is the credential. With S3 storage, links point at S3 and this route " +
      'answers 404. `HEAD` answers the same headers without a body. `Range: bytes=start-end`, `bytes=start-` and ' +
      '`bytes=-suffix` resume an interrupted download (RFC 9110); `If-Range` with the `ETag` makes sure the file is unchanged. ' +
      'A `Range` header that does not parse is ignored: the answer is 200 with the whole file.',
  })
  @Public()
  @Get(':token')
  @ApiParam({ name: 'token', description: 'Signed token of the link, as issued' })
  @ApiOkResponse({ description: 'The whole file', content: BINARY, headers: FILE_HEADERS })
  @ApiResponse({
    status: 206,
    description: 'The requested byte range',
    content: BINARY,
    headers: { ...FILE_HEADERS, 'Content-Range': { description: 'Which bytes, of how many', schema: { type: 'string', example: 'bytes 0-99/1048576' } } },
  })
  @ApiForbiddenResponse({ description: 'The link is malformed or tampered with (`download/invalid_token`) or has expired (`download/expired`)', content: ERROR })
  @ApiNotFoundResponse({ description: 'The file no longer exists, or storage is S3 (`download/not_found`)', content: ERROR })
  @ApiResponse({
    status: 416,
    description: 'The range starts beyond the end of the file (`download/range_not_satisfiable`)',
    content: ERROR,
    headers: { 'Content-Range': { description: 'The file size, as `bytes */size`', schema: { type: 'string', example: 'bytes */1048576' } } },
  })
  async serveDownload(@Param('token') token: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await sendDownload(request, reply, await this.downloads.resolve(token));
  }
}
