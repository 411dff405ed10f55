/** Injection tokens for the framework-free resources the API shares with the other processes. */
export const CONFIG = Symbol('CONFIG');
export const PRISMA = Symbol('PRISMA');
export const ENGINE = Symbol('ENGINE');
export const LOGGER = Symbol('LOGGER');
export const REDIS = Symbol('REDIS');
