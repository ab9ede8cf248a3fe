// Mount/unmount around each test (cleanup) for @testing-library/svelte.
import '@testing-library/svelte/vitest';
