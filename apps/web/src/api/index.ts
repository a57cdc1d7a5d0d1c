export * from './problem';
export * from './request';
export * from './types';
export * from './auth';
export * from './forms';
export * from './records';
export * from './rules';
