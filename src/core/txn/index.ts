/** Typed etcd transactions with readable results. */
export { del, get, put, runTxn, txn, TxnBuilder } from './txn';
export type { CompareOp, CompareTarget, KeyRange, TxnCompare, TxnKeyValue, TxnOp, TxnOpResult, TxnRequest, TxnResult } from './txn';
export { formatTxnResult } from './format';
