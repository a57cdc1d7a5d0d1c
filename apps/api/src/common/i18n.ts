export type Locale = 'zh-CN' | 'en';
export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** Picks zh-CN or en from an Accept-Language header (q-values honoured); zh-CN by default. */
export function localeFromHeader(header: string | undefined): Locale {
  if (!header) return DEFAULT_LOCALE;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
  }
  return DEFAULT_LOCALE;
}

type Catalog = Record<string, { 'zh-CN': string; en: string }>;

/** API-level messages (field-level validation messages come from the form engine). */
export const messages = {
  'auth.invalid_credentials': { 'zh-CN': '邮箱或密码错误', en: 'Wrong e-mail or password' },
  'auth.unauthenticated': { 'zh-CN': '请先登录', en: 'Authentication required' },
  'auth.token_invalid': { 'zh-CN': '登录凭证无效', en: 'The access token is invalid' },
  'auth.token_expired': { 'zh-CN': '登录已过期，请重新登录', en: 'The access token has expired; please sign in again' },
  'auth.forbidden': { 'zh-CN': '没有权限执行此操作', en: 'You are not allowed to do this' },
  'http.not_found': { 'zh-CN': '请求的资源不存在', en: 'The requested resource does not exist' },
  'http.route_not_found': { 'zh-CN': '接口不存在：{method} {path}', en: 'No such endpoint: {method} {path}' },
  'http.malformed_json': { 'zh-CN': '请求体不是合法的 JSON', en: 'The request body is not valid JSON' },
  'http.payload_too_large': { 'zh-CN': '请求体超过上限 {limit}', en: 'The request body exceeds the limit of {limit}' },
  'http.unsupported_media_type': {
    'zh-CN': '不支持的内容类型，请使用 application/json',
    en: 'Unsupported content type; send application/json',
  },
  'http.bad_request': { 'zh-CN': '请求无效', en: 'Bad request' },
  'http.validation_failed': { 'zh-CN': '提交的数据未通过校验', en: 'The submitted data is invalid' },
  'http.conflict': { 'zh-CN': '数据冲突', en: 'Conflict' },
  'http.internal': { 'zh-CN': '服务器内部错误', en: 'Internal server error' },
  'http.unavailable': { 'zh-CN': '服务暂不可用', en: 'Service unavailable' },
  'forms.not_found': { 'zh-CN': '表单“{key}”不存在', en: 'Form "{key}" does not exist' },
  'forms.definition_invalid': { 'zh-CN': '表单定义无效', en: 'The form definition is invalid' },
  'forms.key_taken': { 'zh-CN': '表单标识“{key}”已被使用', en: 'The form key "{key}" is already taken' },
  'forms.key_mismatch': { 'zh-CN': '表单标识不可修改', en: 'A form key cannot be changed' },
  'forms.no_draft': { 'zh-CN': '表单“{key}”没有待发布的草稿', en: 'Form "{key}" has no draft to publish' },
  'forms.publish_blocked': {
    'zh-CN': '发布被阻止：{needsDefault} 个必填字段缺少默认值或补录值，{failed} 条记录无法迁移',
    en: 'Publishing is blocked: {needsDefault} new required field(s) need a default or backfill, {failed} record(s) cannot be migrated',
  },
  'forms.not_published': { 'zh-CN': '表单“{key}”尚未发布', en: 'Form "{key}" has no published version' },
  'records.not_found': { 'zh-CN': '记录不存在', en: 'The record does not exist' },
  'records.precondition_required': {
    'zh-CN': '修改记录需要 If-Match 请求头（取自记录的 ETag）',
    en: "Send If-Match with the record's ETag to change it",
  },
  'records.stale': {
    'zh-CN': '记录已被他人修改（当前修订号 {currentRev}），请刷新后重试',
    en: 'The record has changed since you read it (now at revision {currentRev}); reload and retry',
  },
  'records.not_deleted': { 'zh-CN': '记录未被删除，无需恢复', en: 'The record is not deleted' },
  'records.revision_not_found': { 'zh-CN': '修订 {rev} 不存在', en: 'Revision {rev} does not exist' },
  'records.revert_invalid': {
    'zh-CN': '修订 {rev} 的数据不符合当前表单规则，无法恢复',
    en: 'Revision {rev} does not satisfy the current form rules and cannot be restored',
  },
  'records.fields_forbidden': { 'zh-CN': '无权修改这些字段：{fields}', en: 'You may not change these fields: {fields}' },
  'records.owner_forbidden': {
    'zh-CN': '只能处理自己负责的记录（{field} 须为本人）',
    en: 'You may only work on your own records ({field} must be you)',
  },
  'forms.permissions_invalid': { 'zh-CN': '权限设置无效', en: 'The permission settings are invalid' },
  'query.invalid': { 'zh-CN': '查询条件无效', en: 'The query is invalid' },
  'query.unknown_field': { 'zh-CN': '没有字段 {field}', en: 'There is no field {field}' },
  'query.operator': { 'zh-CN': '该字段不支持运算符 {op}（可用：{allowed}）', en: 'Operator {op} is not offered for this field (use: {allowed})' },
  'query.not_sortable': { 'zh-CN': '字段 {field} 不能排序', en: 'Field {field} cannot be sorted' },
  'query.not_json': { 'zh-CN': 'filter 参数须为 JSON 对象', en: 'filter must be a JSON object' },
  'query.type': { 'zh-CN': '值应为 {expected}', en: 'The value must be {expected}' },
  'records.duplicate': { 'zh-CN': '“{label}”与已有记录重复', en: 'Another record already has this {label}' },
  'collection.stage_duplicate': { 'zh-CN': '阶段 {stage} 重复', en: 'Stage {stage} appears twice' },
  'collection.stage_order': { 'zh-CN': '阶段 {stage}（D{offset}）须排在前一阶段 {previous}（D{previousOffset}）之后，且天数更大', en: 'Stage {stage} (D{offset}) must come after {previous} (D{previousOffset}) with more days' },
  'records.reference_missing': { 'zh-CN': '“{label}”引用的记录不存在', en: '{label} refers to a record that does not exist' },
  'records.user_missing': { 'zh-CN': '“{label}”不是本公司的用户', en: '{label} is not a user of this company' },
  'query.not_groupable': { 'zh-CN': '字段 {field} 不能用于分组', en: 'Field {field} cannot be grouped by' },
  'query.not_summable': { 'zh-CN': '字段 {field} 不能求和', en: 'Field {field} cannot be summed' },
  'credit.limit_exceeded': {
    'zh-CN': '超出信用额度：{name} 额度 ¥{limit}，本笔后敞口 ¥{exposure}，超出 ¥{excess}',
    en: 'Over the credit limit: {name} has a limit of ¥{limit}; with this item the exposure is ¥{exposure}, ¥{excess} over',
  },
  'credit.customer_blocked': { 'zh-CN': '客户 {name} 信用状态为“{status}”，不能新增赊销', en: 'Customer {name} is {status}: no new credit' },
  'credit.override_forbidden': { 'zh-CN': '只有信用主管可以超额度放行', en: 'Only a credit manager may override the credit check' },
  'credit.write_off_forbidden': { 'zh-CN': '核销（written_off，¥{amount}）须由信用主管审批办理', en: 'A write-off (written_off, ¥{amount}) needs a credit manager\'s approval' },
  'credit.limit_approval_forbidden': { 'zh-CN': '只有信用主管可以审批或驳回信用额度申请', en: 'Only a credit manager may approve or reject a credit-limit request' },
  'credit.limit_approver_self': { 'zh-CN': '审批人（approver）须为当前审批的信用主管本人', en: 'The approver must be the credit manager deciding the request' },
  'credit.limit_request_decided': { 'zh-CN': '该信用额度申请已决定（{status}），不能再次审批或修改', en: 'This credit-limit request is already decided ({status}); it cannot be decided or changed again' },
  'reports.rates_descending': {
    'zh-CN': '账龄越长，计提比例不能越低：第 {index} 档（{bracket}）{rate}% 低于上一档 {previous}%',
    en: 'Rates may not fall as debts age: bracket {index} ({bracket}) at {rate}% is below the previous {previous}%',
  },
  'credit.limit_request_customer': { 'zh-CN': '信用额度申请的客户不存在', en: 'The customer of this credit-limit request does not exist' },
  'rules.invalid': { 'zh-CN': '规则集无效', en: 'The rule set is invalid' },
  'rules.no_draft': { 'zh-CN': '表单“{key}”没有规则草稿', en: 'Form "{key}" has no draft rule set' },
  'rules.not_published': { 'zh-CN': '表单“{key}”没有已发布的规则集', en: 'Form "{key}" has no published rule set' },
  'rules.simulate_input': { 'zh-CN': '请提供 recordId（已保存的记录）或 data（记录内容）之一', en: 'Give either recordId (a stored record) or data (a record payload)' },
  'users.not_found': { 'zh-CN': '用户不存在', en: 'No such user' },
  'users.email_taken': { 'zh-CN': '邮箱 {email} 已被使用', en: 'The e-mail {email} is already in use' },
  'users.unknown_roles': { 'zh-CN': '没有这些角色：{roles}', en: 'No such roles: {roles}' },
  'users.self_lockout': { 'zh-CN': '不能停用自己或去掉自己的管理员角色', en: 'You cannot deactivate yourself or drop your own admin role' },
  'payments.over_outstanding': { 'zh-CN': '核销金额 ¥{amount} 超过该应收单未收金额 ¥{outstanding}', en: 'Allocating ¥{amount} exceeds the ¥{outstanding} outstanding on this receivable' },
  'payments.over_amount': { 'zh-CN': '分配合计 ¥{allocated} 超过回款金额 ¥{amount}', en: 'The allocations (¥{allocated}) exceed the payment amount (¥{amount})' },
  'payments.other_customer': { 'zh-CN': '只能核销本客户的应收单', en: 'Only receivables of this customer can be settled' },
  'templates.not_found': { 'zh-CN': '模板“{key}”不存在', en: 'No template "{key}"' },
  'templates.installed': { 'zh-CN': '表单“{key}”已存在', en: 'Form "{key}" is already installed' },
  'templates.missing_dependency': { 'zh-CN': '请先安装模板“{key}”引用的表单：{forms}', en: 'Install the forms "{key}" refers to first: {forms}' },
  'rules.approval_required': { 'zh-CN': '需要{role}审批：{codes}（请由有权限的人填写审批理由后提交）', en: 'Needs approval by {role}: {codes} (someone with that role submits it with a reason)' },
  'records.bad_cursor': { 'zh-CN': '分页游标无效', en: 'The page cursor is invalid' },
  'db.unique_violation': { 'zh-CN': '与已有数据重复', en: 'Duplicates existing data' },
  'db.foreign_key_violation': { 'zh-CN': '引用的数据不存在', en: 'A referenced item does not exist' },
  'db.serialization_failure': { 'zh-CN': '并发冲突，请重试', en: 'Concurrent update; please retry' },
  'db.invalid_input': { 'zh-CN': '参数格式无效', en: 'A parameter has an invalid format' },
  'body.invalid': { 'zh-CN': '{path} {message}', en: '{path} {message}' },
  'auth.rate_limited': { 'zh-CN': '请求过于频繁，请 {retryAfter} 秒后重试', en: 'Too many requests; retry in {retryAfter} s' },
  'auth.api_token_revoked': { 'zh-CN': 'API 令牌已被吊销', en: 'The API token has been revoked' },
  'tokens.not_found': { 'zh-CN': 'API 令牌不存在', en: 'The API token does not exist' },
  'tokens.role_unknown': { 'zh-CN': '角色“{role}”不存在', en: 'There is no role "{role}"' },
  'tokens.expiry_invalid': { 'zh-CN': '过期时间须在将来，且不超过 {maxDays} 天', en: 'The expiry must be in the future and at most {maxDays} days away' },
  'tokens.people_only': { 'zh-CN': 'API 令牌不能管理 API 令牌，请登录后操作', en: 'API tokens cannot manage API tokens; sign in as a person' },
  'webhooks.not_found': { 'zh-CN': 'Webhook 不存在', en: 'The webhook does not exist' },
  'webhooks.delivery_not_found': { 'zh-CN': '投递记录不存在', en: 'The delivery does not exist' },
  'webhooks.url_invalid': { 'zh-CN': '地址“{url}”无效：须为 http:// 或 https:// 地址，且不含用户名密码', en: 'The URL "{url}" is invalid: it must be an http:// or https:// address without user name or password' },
  'webhooks.form_unknown': { 'zh-CN': '表单“{form}”不存在', en: 'There is no form "{form}"' },
  'webhooks.url_private': {
    'zh-CN': '地址“{url}”指向内网、本机或保留地址（{address}），Webhook 只能发往公网地址（运维可设置 WEBHOOK_ALLOW_PRIVATE_NETWORKS=true 放开）',
    en: 'The URL "{url}" points to a private, loopback or reserved address ({address}); webhooks may only target public addresses (an operator can set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to allow this)',
  },
  'webhooks.error.http_status': { 'zh-CN': '接收方返回 HTTP {status}（非 2xx）', en: 'The receiver answered HTTP {status} (not 2xx)' },
  'webhooks.error.timeout': { 'zh-CN': '接收方 {ms} 毫秒内未应答，已超时', en: 'The receiver did not answer within {ms} ms' },
  'webhooks.error.refused_target': {
    'zh-CN': '目标地址 {address} 属于{reason}，出于安全考虑不发送（运维可设置 WEBHOOK_ALLOW_PRIVATE_NETWORKS=true 放开）',
    en: 'The target {address} is {reason}; not sent for safety (an operator can set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to allow it)',
  },
  'webhooks.error.connection_refused': { 'zh-CN': '连接被拒绝：{host} 的端口 {port} 上没有服务在监听', en: 'Connection refused: nothing listens on port {port} of {host}' },
  'webhooks.error.connection_reset': { 'zh-CN': '连接被 {host} 中断（对方重置了连接）', en: 'The connection to {host} was reset by the other side' },
  'webhooks.error.dns_failed': { 'zh-CN': '无法解析域名 {host}', en: 'The host name {host} could not be resolved' },
  'webhooks.error.unreachable': { 'zh-CN': '网络不可达：无法连接到 {host}', en: 'Network unreachable: {host} cannot be reached' },
  'webhooks.error.tls_failed': { 'zh-CN': '与 {host} 的 HTTPS 握手失败（证书无效或不受信任）', en: 'The HTTPS handshake with {host} failed (invalid or untrusted certificate)' },
  'webhooks.error.bad_port': { 'zh-CN': '端口 {port} 无效，无法连接', en: 'Port {port} is not valid; no connection was made' },
  'webhooks.error.webhook_disabled': { 'zh-CN': 'Webhook 已停用，未发送', en: 'The webhook is disabled; not sent' },
  'webhooks.error.network': { 'zh-CN': '连接 {host} 时发生网络错误', en: 'A network error occurred while connecting to {host}' },
  'webhooks.address.unspecified': { 'zh-CN': '未指定地址', en: 'an unspecified address' },
  'webhooks.address.loopback': { 'zh-CN': '本机回环地址', en: 'a loopback address' },
  'webhooks.address.private': { 'zh-CN': '内网地址', en: 'a private address' },
  'webhooks.address.shared': { 'zh-CN': '运营商共享地址', en: 'a carrier-shared address' },
  'webhooks.address.link-local': { 'zh-CN': '链路本地地址', en: 'a link-local address' },
  'webhooks.address.unique-local': { 'zh-CN': '本地唯一地址', en: 'a unique-local address' },
  'webhooks.address.multicast': { 'zh-CN': '组播地址', en: 'a multicast address' },
  'webhooks.address.documentation': { 'zh-CN': '文档示例地址', en: 'a documentation address' },
  'webhooks.address.reserved': { 'zh-CN': '保留地址', en: 'a reserved address' },
  'views.not_found': { 'zh-CN': '视图不存在', en: 'The saved view does not exist' },
  'views.name_taken': { 'zh-CN': '已有名为“{name}”的视图', en: 'There is already a view named "{name}"' },
  'views.shared_admin_only': { 'zh-CN': '只有管理员可以保存或删除共享视图', en: 'Only admins can save or delete shared views' },
  'files.not_found': { 'zh-CN': '文件不存在', en: 'The file does not exist' },
  'files.empty': { 'zh-CN': '文件为空', en: 'The file is empty' },
  'files.name_invalid': { 'zh-CN': '文件名无效（须为 1–255 个字符）', en: 'The file name is invalid (1–255 characters)' },
  'files.type_mismatch': { 'zh-CN': '文件内容是 {actual}，与声明的类型 {declared} 不符', en: 'The file content is {actual}, not the declared {declared}' },
  'files.type_not_allowed': { 'zh-CN': '不支持的文件类型 {type}', en: 'Files of type {type} are not accepted' },
  'imports.media_type': { 'zh-CN': '请以 text/csv 上传 CSV 文件', en: 'Upload the CSV file as text/csv' },
  'imports.not_text': { 'zh-CN': '文件不是文本 CSV（第 {row} 行含有二进制内容），可能是 Excel 或其他格式', en: 'The file is not a text CSV (row {row} holds binary data); it may be an Excel workbook or another format' },
  'imports.empty': { 'zh-CN': '文件为空：第 1 行须为表头', en: 'The file is empty: row 1 must be the header row' },
  'imports.bad_file': { 'zh-CN': '文件无法导入：{count} 处问题，未写入任何数据', en: 'The file cannot be imported ({count} problem(s)); nothing was written' },
  'imports.csv_syntax': { 'zh-CN': '引号未闭合', en: 'A quoted value is not closed' },
  'imports.unknown_column': { 'zh-CN': '表头“{header}”对应不到表单字段', en: 'The header "{header}" matches no field of the form' },
  'imports.duplicate_column': { 'zh-CN': '字段“{field}”已由第 {first} 列提供', en: 'Field "{field}" is already given by column {first}' },
  'imports.readonly_column': { 'zh-CN': '字段“{field}”由系统生成或无权写入，不能导入', en: 'Field "{field}" is computed or not writable and cannot be imported' },
  'imports.extra_cells': { 'zh-CN': '本行有 {cells} 个单元格，多于表头的 {columns} 列', en: 'This row has {cells} cells, more than the {columns} header columns' },
  'imports.too_many_rows': { 'zh-CN': '一次最多导入 {max} 行', en: 'At most {max} rows can be imported at once' },
  'imports.invalid_rows': { 'zh-CN': '{count} 行数据未通过校验，未写入任何数据', en: '{count} row(s) are invalid; nothing was written' },
  'imports.bad_number': { 'zh-CN': '“{value}”不是有效数字', en: '"{value}" is not a valid number' },
  'imports.bad_date': { 'zh-CN': '“{value}”不是有效日期（如 2026-11-25、2026/11/25、2026年11月25日）', en: '"{value}" is not a valid date (e.g. 2026-11-25, 2026/11/25, 2026年11月25日)' },
  'imports.bad_boolean': { 'zh-CN': '“{value}”不是是/否', en: '"{value}" is not yes/no' },
  'imports.duplicate_value': { 'zh-CN': '“{label}”与第 {first} 行重复', en: '{label} repeats row {first}' },
  'imports.ambiguous_reference': { 'zh-CN': '“{value}”对应多条记录，请改用编号', en: '"{value}" matches several records; use its code' },
  'imports.bad_workbook': { 'zh-CN': '文件不是有效的 Excel 工作簿（.xlsx）', en: 'The file is not a valid Excel workbook (.xlsx)' },
  'imports.workbook_too_large': { 'zh-CN': '工作簿解压后过大，请拆分后导入', en: 'The workbook is too large once unpacked; split it' },
  'imports.legacy_xls': { 'zh-CN': '不支持旧版 .xls 文件，请另存为 .xlsx 或 CSV', en: 'Old .xls files are not supported; save as .xlsx or CSV' },
  'imports.merged_header': { 'zh-CN': '表头行含合并单元格，无法确定列，请取消合并', en: 'The header row has merged cells, so its columns are unclear; unmerge them' },
  'imports.formula_cell': { 'zh-CN': '单元格含公式，请先“粘贴为数值”', en: 'The cell holds a formula; paste it as values first' },
  'imports.error_cell': { 'zh-CN': '单元格是错误值（如 #N/A）', en: 'The cell holds an error value (e.g. #N/A)' },
  'imports.bad_option': { 'zh-CN': '“{value}”不是可选项（可选：{allowed}）', en: '"{value}" is not one of the options ({allowed})' },
  'imports.key_required': { 'zh-CN': '更新或合并导入须指定匹配字段（key）', en: 'Upsert and update imports need a key field (key)' },
  'imports.key_unknown': { 'zh-CN': '匹配字段“{field}”不存在或不可见', en: 'The key field "{field}" does not exist or is hidden' },
  'imports.key_not_unique': { 'zh-CN': '“{field}”不能作为匹配字段：须为唯一、已建索引或自动编号字段', en: '"{field}" cannot be the key: it must be unique, indexed or an auto-number' },
  'imports.key_column_missing': { 'zh-CN': '文件中没有匹配字段“{field}”的列', en: 'The file has no column for the key field "{field}"' },
  'imports.key_missing': { 'zh-CN': '“{label}”为空，无法找到要更新的记录', en: '{label} is empty, so no record to update can be found' },
  'imports.key_not_found': { 'zh-CN': '没有“{label}”为“{value}”的记录', en: 'No record has {label} "{value}"' },
  'imports.duplicate_key': { 'zh-CN': '“{label}”为“{value}”，与第 {first} 行重复', en: '{label} "{value}" repeats row {first}' },
  'imports.concurrent_change': { 'zh-CN': '导入期间有记录被他人修改，请重新导入', en: 'A record changed while importing; run the import again' },
  'imports.mapping_unknown_field': { 'zh-CN': '列“{header}”映射到的字段“{field}”不存在', en: 'Column "{header}" is mapped to "{field}", which is not a field of the form' },
  'imports.job_not_found': { 'zh-CN': '导入任务不存在', en: 'Import job not found' },
  'imports.job_finished': { 'zh-CN': '导入任务已结束，无法取消', en: 'The import job has finished and cannot be cancelled' },
  'imports.cancelled': { 'zh-CN': '导入已取消，未写入任何数据', en: 'The import was cancelled; nothing was written' },
  'imports.interrupted': { 'zh-CN': '导入被中断（服务重启），未写入任何数据', en: 'The import was interrupted (server restart); nothing was written' },
  'imports.mapping_not_found': { 'zh-CN': '列映射不存在', en: 'Column mapping not found' },
  'imports.errors_header': { 'zh-CN': '错误说明', en: 'Errors' },
  'imports.row_header': { 'zh-CN': '行号', en: 'Row' },
  'imports.upload_failed': { 'zh-CN': '文件上传中断，请重新上传', en: 'The upload was interrupted; upload the file again' },
} satisfies Catalog;

export type MessageKey = keyof typeof messages;

export function translate(key: MessageKey, locale: Locale, params: Record<string, unknown> = {}): string {
  const template = messages[key][locale];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => (params[name] === undefined ? `{${name}}` : String(params[name])));
}
