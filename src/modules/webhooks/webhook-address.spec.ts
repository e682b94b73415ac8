import { isPrivateAddress, webhookChannelProblems, webhookUrls } from './webhook-address';

describe('webhook addresses', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fd12::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a01:203'])(
    '%s is private',
    (address) => expect(isPrivateAddress(address)).toBe(true),
  );

  it.each(['8.8.8.8', '172.32.0.1', '192.169.0.1', '2606:4700::1111', '::ffff:8.8.8.8', 'example.com'])('%s is not', (address) => expect(isPrivateAddress(address)).toBe(false));

  it('accepts https webhooks to public hosts and names, and leaves other channel kinds alone', () => {
    const channels = ['webhook:https://hooks.example.com/ota?token=abc', 'email:ops@example.com', 'slack:#fleet', 'webhook:https://8.8.8.8/x', 'WEBHOOK:https://example.org/'];
    expect(webhookChannelProblems(channels, false)).toEqual([]);
    expect(webhookUrls([...channels, 'webhook:https://hooks.example.com/ota?token=abc'])).toEqual(['https://hooks.example.com/ota?token=abc', 'https://8.8.8.8/x', 'https://example.org/']);
  });

  it.each([
    ['webhook:http://hooks.example.com/', 'https://'],
    ['webhook:ftp://hooks.example.com/', 'https://'],
    ['webhook:hooks.example.com', 'absolute https:// URL'],
    ['webhook:', 'absolute https:// URL'],
    ['webhook:https://user:pass@hooks.example.com/', 'user name or password'],
    ['webhook:https://127.0.0.1/', 'private'],
    ['webhook:https://[::1]:8443/', 'private'],
    ['webhook:https://[::ffff:10.0.0.1]/', 'private'],
    ['webhook:https://2130706433/', 'private'],
    ['webhook:https://192.168.0.10/hook', 'private'],
    ['webhook:https://169.254.169.254/latest/meta-data', 'private'],
    ['webhook:https://localhost/', 'private'],
    ['webhook:https://LOCALHOST./', 'private'],
    ['webhook:https://api.localhost/', 'private'],
    [`webhook:https://example.com/${'x'.repeat(2048)}`, 'at most 2048'],
  ])('refuses %s', (channel, message) => {
    const problems = webhookChannelProblems(['email:ops@example.com', channel], false);
    expect(problems).toEqual([{ loc: ['body', 'notification_channels', 1], msg: expect.stringContaining(message), type: 'webhook_url' }]);
  });

  it('allows http and private addresses with WEBHOOK_ALLOW_PRIVATE, but still not a user and password', () => {
    expect(webhookChannelProblems(['webhook:http://127.0.0.1:8080/hook', 'webhook:https://localhost/'], true)).toEqual([]);
    expect(webhookChannelProblems(['webhook:http://u:p@127.0.0.1/'], true)).toHaveLength(1);
  });
});
