/** 催收流程设置 (zh-CN); merged at the top level by locales/index.ts. */
const collectionZhCN = {
  collection: {
    nav: '催收流程',
    title: '催收流程设置',
    subtitle: '各阶段相对到期日的天数、任务负责人、任务说明，以及是否向客户发送催收邮件；每日 08:00 自动执行',
    readOnly: '仅管理员和信用经理可以修改催收流程',
    stage: '阶段',
    offset: '触发（相对到期日）',
    offsetHint: 'D{sign}{days}',
    assignee: '负责人',
    assignees: { system: '系统自动', sales_owner: '销售负责人', collector: '催收员', credit_manager: '信用经理' },
    instructionZh: '任务说明（中文）',
    instructionEn: '任务说明（英文）',
    email: '发送邮件',
    actions: '操作',
    add: '添加阶段',
    remove: '删除',
    grace: '承诺付款宽限天数',
    graceHint: '承诺日期后超过该天数仍未付款，即视为违约（PTP_BROKEN）',
    save: '保存',
    reset: '撤销修改',
    saved: '催收流程已保存',
    runNow: '立即执行',
    runDone: '已执行：新建任务 {created} 个，关闭 {closed} 个，发送邮件 {emails} 封',
    runNoSmtp: '未配置 SMTP_URL：{n} 笔到期提醒未发送',
    errors: {
      required: '请填写',
      duplicate: '阶段重复',
      ascending: '阶段与天数须按顺序递增',
      full: '最多 8 个阶段',
    },
  },
};

export default collectionZhCN;
