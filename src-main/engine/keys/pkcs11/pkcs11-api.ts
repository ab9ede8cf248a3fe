/**
 * The part of pkcs11js that Coffer calls, as a structural type. pkcs11js is an optional dependency (it is
 * compiled at install and may be absent), so nothing imports its types: the build and the type check
 * pass on a machine where it did not build, and only the PKCS#11 provider is then unavailable.
 * The shapes match pkcs11js 2.x's index.d.ts; pkcs11-module.ts loads the real module on first use.
 */
export type Handle = Buffer;

export interface Attribute {
  type: number;
  value?: number | boolean | string | Buffer | Date;
}

export interface AttributeResult {
  type: number;
  value: Buffer;
}

export interface Mechanism {
  mechanism: number;
  parameter?: Buffer | number;
}

/** One loaded PKCS#11 module (pkcs11js's `PKCS11` class). Every call is synchronous and may throw. */
export interface Pkcs11 {
  load(path: string): void;
  C_Initialize(): void;
  C_GetSlotList(tokenPresent?: boolean): Handle[];
  C_GetTokenInfo(slot: Handle): { label: string };
  C_OpenSession(slot: Handle, flags: number): Handle;
  C_CloseSession(session: Handle): void;
  C_Login(session: Handle, userType: number, pin?: string): void;
  C_Logout(session: Handle): void;
  C_CreateObject(session: Handle, template: Attribute[]): Handle;
  C_DestroyObject(session: Handle, object: Handle): void;
  C_FindObjectsInit(session: Handle, template: Attribute[]): void;
  C_FindObjects(session: Handle, maxObjectCount: number): Handle[];
  C_FindObjectsFinal(session: Handle): void;
  C_GetAttributeValue(session: Handle, object: Handle, template: Attribute[]): AttributeResult[];
  C_GenerateKey(session: Handle, mechanism: Mechanism, template: Attribute[]): Handle;
  C_WrapKey(session: Handle, mechanism: Mechanism, wrappingKey: Handle, key: Handle, wrappedKey: Buffer): Buffer;
  C_UnwrapKey(session: Handle, mechanism: Mechanism, unwrappingKey: Handle, wrappedKey: Buffer, template: Attribute[]): Handle;
}

/** The module's exports: the class and the Cryptoki constants Coffer uses. */
export interface Pkcs11Lib {
  PKCS11: new () => Pkcs11;
  readonly CKA_CLASS: number;
  readonly CKA_DECRYPT: number;
  readonly CKA_ENCRYPT: number;
  readonly CKA_EXTRACTABLE: number;
  readonly CKA_KEY_TYPE: number;
  readonly CKA_LABEL: number;
  readonly CKA_PRIVATE: number;
  readonly CKA_SENSITIVE: number;
  readonly CKA_TOKEN: number;
  readonly CKA_UNWRAP: number;
  readonly CKA_VALUE: number;
  readonly CKA_VALUE_LEN: number;
  readonly CKA_WRAP: number;
  readonly CKF_RW_SESSION: number;
  readonly CKF_SERIAL_SESSION: number;
  readonly CKK_AES: number;
  readonly CKK_GENERIC_SECRET: number;
  readonly CKM_AES_KEY_GEN: number;
  readonly CKM_AES_KEY_WRAP: number;
  readonly CKO_SECRET_KEY: number;
  readonly CKU_USER: number;
}
