/** The statements of a migration script, split where they end (not inside comments, strings or dollar quotes). */
export function splitSqlScript(script: string): string[];
