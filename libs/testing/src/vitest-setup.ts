import { installJsonParseGuard } from '@strata/kernel';

// Tests run the process as the entry points do: with JSON.parse guarded where the engine needs it.
installJsonParseGuard();
