import type { Command } from 'commander';
import { ValidationError } from '../core/errors';
import type { TlsSettings } from '../core/redis/connection';

/** The global --tls-* flags as commander hands them over. */
export interface TlsFlags {
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsServername?: string;
  tlsInsecure?: boolean;
}

/** The contract-style field names the core reports TLS problems under, and their flags. */
export const TLS_FLAG_OF_FIELD: Record<string, string> = {
  tls_ca: '--tls-ca',
  tls_cert: '--tls-cert',
  tls_key: '--tls-key',
};

/** Declares the TLS flags on the program (docs/topologies.md "TLS"). */
export function addTlsOptions(program: Command): Command {
  return program
    .option(
      '--tls-ca <file>',
      "PEM file of the CA that signed the server's certificate (rediss://)",
    )
    .option('--tls-cert <file>', 'PEM client certificate, for servers that require one')
    .option('--tls-key <file>', "the client certificate's PEM key")
    .option('--tls-servername <name>', "the name the server's certificate must carry (and SNI)")
    .option('--tls-insecure', 'do not verify the server certificate (testing only)');
}

/**
 * The TLS settings of the flags, or an empty object when none is given. TLS flags on a plaintext
 * URL are refused: they would otherwise be silently ignored, or turn TLS on behind the URL's back.
 */
export function tlsConnection(flags: TlsFlags, url: string): { tls?: TlsSettings } {
  const settings: TlsSettings = {
    ...(flags.tlsCa ? { caFile: flags.tlsCa } : {}),
    ...(flags.tlsCert ? { certFile: flags.tlsCert } : {}),
    ...(flags.tlsKey ? { keyFile: flags.tlsKey } : {}),
    ...(flags.tlsServername ? { servername: flags.tlsServername } : {}),
    ...(flags.tlsInsecure ? { insecure: true } : {}),
  };
  if (Object.keys(settings).length === 0) return {};
  if (!/^rediss(\+sentinel)?:\/\//i.test(url.trim())) {
    throw new ValidationError(
      'The --tls-* flags need a TLS address: write the URL as rediss://host:port (or rediss+sentinel://… behind Sentinel).',
      { field: 'tls', flag: '--redis' },
    );
  }
  return { tls: settings };
}
