/**
 * Sent with every request to the API: the API uses the session cookie only for requests carrying
 * it (no cross-site form or simple request can), and sets the cookie at login only when it is there.
 */
export const CSRF_HEADER = 'x-tower-csrf';
