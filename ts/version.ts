/** Our version, and the Redis version whose behaviour we match (clients gate features on it). */
// eslint-disable-next-line @typescript-eslint/no-var-requires
export const VERSION: string = require('../../package.json').version;
export const REDIS_VERSION = '7.0.15';
