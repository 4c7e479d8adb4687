export { humanBytes, renderTable } from '../core/format';
