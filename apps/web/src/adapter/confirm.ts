import { ElMessageBox } from 'element-plus';
import 'element-plus/es/components/message-box/style/css';

/**
 * A modal yes/no question (delete, revert, leave with unsaved changes). Kept out of
 * element-plus.ts because that module is on the login page's critical path.
 */
export async function confirmAction(options: { title: string; message: string; confirm: string; cancel: string; danger?: boolean }): Promise<boolean> {
  try {
    await ElMessageBox.confirm(options.message, options.title, {
      confirmButtonText: options.confirm,
      cancelButtonText: options.cancel,
      type: options.danger ? 'warning' : 'info',
      confirmButtonClass: options.danger ? 'el-button--danger' : undefined,
      autofocus: true,
      closeOnClickModal: false,
    });
    return true;
  } catch {
    return false;
  }
}
