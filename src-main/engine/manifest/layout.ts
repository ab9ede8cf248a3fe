// The bucket layout moved to the sealed-objects layer (engine/objects/object-keys.ts). This re-export keeps
// the imports of code being restructured meanwhile (sync/, tests) working; new code imports objects/.
export { VAULT_DESCRIPTOR_KEY, HEAD_KEY, OBJECTS_PREFIX, objectKey, objectIdFromKey } from '../objects/object-keys.ts';
