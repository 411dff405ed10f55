import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

export interface S3ObjectInfo {
  key: string;
  /** The ETag without its surrounding quotes. */
  etag: string;
  size: number;
  lastModified: Date;
}

const WILDCARD_CHARS = /[*?[]/;

/** The part of an fnmatch pattern before its first wildcard character: the ListObjects prefix. */
export function literalPrefix(pattern: string): string {
  const i = pattern.search(WILDCARD_CHARS);
  return i < 0 ? pattern : pattern.slice(0, i);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * Python's fnmatch semantics (what Airflow's S3KeySensor uses), translated like
 * `fnmatch.translate`: `*` matches any run of characters INCLUDING `/`, `?` one character,
 * `[seq]` / `[!seq]` a character in / not in seq (ranges allowed), an unclosed `[` is literal;
 * everything else is literal and matching is case-sensitive. Glob libraries such as picomatch
 * stop `*` at `/`, so `incoming/*.csv` would miss `incoming/2026/a.csv` where Airflow finds it:
 * this small translator keeps Airflow's behaviour exactly.
 */
export function fnmatchRegExp(pattern: string): RegExp {
  let re = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i++];
    if (c === '*') {
      while (pattern[i] === '*') i++;
      re += '.*';
    } else if (c === '?') {
      re += '.';
    } else if (c === '[') {
      let j = i;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j++;
      if (j >= pattern.length) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i, j);
      i = j + 1;
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      body = body.replace(/[\\\]^[]/g, '\\$&');
      re += negate ? `[^${body}]` : `[${body}]`;
    } else {
      re += escapeRegExp(c);
    }
  }
  try {
    return new RegExp(`^${re}$`, 's');
  } catch (err) {
    throw new Error(`invalid key pattern ${JSON.stringify(pattern)}: ${(err as Error).message}`, { cause: err });
  }
}

/** A predicate for keys: fnmatch when `wildcard`, else equality. */
export function keyMatcher(pattern: string, wildcard: boolean): (key: string) => boolean {
  if (!wildcard) return (key) => key === pattern;
  const re = fnmatchRegExp(pattern);
  return (key) => re.test(key);
}

/**
 * The objects of `bucket` whose key matches `pattern` (fnmatch when `wildcard`, see
 * fnmatchRegExp; the exact key otherwise), in S3's key order. Pages through ListObjectsV2
 * restricted to the pattern's literal prefix (`pageSize` keys per request, S3's default 1000).
 * Rejects with the SDK's error.
 */
export async function listMatchingKeys(
  client: S3Client,
  bucket: string,
  pattern: string,
  opts: { wildcard: boolean; signal?: AbortSignal; pageSize?: number },
): Promise<S3ObjectInfo[]> {
  const matches = keyMatcher(pattern, opts.wildcard);
  const prefix = opts.wildcard ? literalPrefix(pattern) : pattern;
  const found: S3ObjectInfo[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token, MaxKeys: opts.pageSize }),
      { abortSignal: opts.signal },
    );
    for (const obj of page.Contents ?? []) {
      if (obj.Key === undefined || !matches(obj.Key)) continue;
      found.push({ key: obj.Key, etag: (obj.ETag ?? '').replace(/"/g, ''), size: obj.Size ?? 0, lastModified: obj.LastModified ?? new Date(0) });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return found;
}
