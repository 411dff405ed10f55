import type { CombinedError } from '@urql/core';
import { toApiErrorFromCombined } from '@/lib/graphql/client';
import { describeApiError, NETWORK_ERROR, type ApiError } from '@/lib/graphql/errors';
import { useGraphQL } from '@/lib/graphql/graphql-provider';

export function ErrorBanner({ error, onRetry, testId = 'api-error' }: { error: ApiError; onRetry?: () => void; testId?: string }) {
  const network = error.code === NETWORK_ERROR;
  return (
    <div className="error-banner" role="alert" data-testid={testId} data-code={error.code}>
      <div className="error-banner-body">
        <strong>{network ? 'API unreachable' : 'Something went wrong'}</strong>
        <span>{describeApiError(error)}</span>
        <code className="error-banner-code">{error.code}</code>
      </div>
      {onRetry ? (
        <button type="button" className="btn btn-sm" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

/** A one-line error next to the control that caused it (trigger, pause…). */
export function InlineError({ error, testId }: { error: ApiError; testId?: string }) {
  return (
    <span className="inline-error" role="alert" data-testid={testId} data-code={error.code} title={error.code}>
      {describeApiError(error)}
    </span>
  );
}

/** A query's urql error, said through ErrorBanner (the API's message and code, never urql's raw text). */
export function QueryErrorBanner({ error, onRetry, testId }: { error: CombinedError; onRetry?: () => void; testId?: string }) {
  const { endpoints } = useGraphQL();
  return <ErrorBanner error={toApiErrorFromCombined(error, endpoints.httpUrl)} onRetry={onRetry} testId={testId} />;
}
