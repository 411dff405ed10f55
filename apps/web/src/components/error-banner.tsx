import { describeApiError, NETWORK_ERROR, type ApiError } from '@/lib/graphql/errors';

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
