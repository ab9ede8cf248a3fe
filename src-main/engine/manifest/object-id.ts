// Object ids moved to the sealed-objects layer (engine/objects/object-id.ts). This re-export keeps the
// imports of code being restructured meanwhile (sync/) working; new code imports objects/.
export { newObjectId } from '../objects/object-id.ts';
