import { customType } from 'drizzle-orm/pg-core';

/**
 * A jsonb column that returns what the driver parsed, untouched. drizzle's own `jsonb` runs
 * JSON.parse again on string values, so a stored JSON string such as "1000001" (a postal code)
 * came back as the number 1000001 on both PGlite and postgres.js.
 */
export const jsonb = customType<{ data: unknown; driverData: unknown }>({
  dataType() {
    return 'jsonb';
  },
  toDriver(value) {
    return JSON.stringify(value);
  },
  fromDriver(value) {
    return value;
  },
});
