import type { Messages } from "./types";

export const zhCN: Messages = {
  documentTitle: "一件事 · OneThing",
  productName: "一件事",
  productNameAlt: "OneThing",
  tagline: "一件事，一次办：多个部门的事项，一次申请、一次提交。",
  skipLink: "跳到主要内容",
  elderlyToggle: "长辈版",
  elderlyToggleHint: "大字体、大按钮",
  bundlesHeading: "选择要办的事",
  bundlesLoading: "正在加载服务目录…",
  bundlesUnavailable: "服务目录暂不可用，请稍后再试。",
  bundlesEmpty: "暂时没有可办理的事项。",
  retry: "重新加载",
  bundleServices: (count) => `包含 ${count} 个事项`,
  bundleTimeLimit: (workingDays) => `${workingDays} 个工作日内办结`,
  widgetError: "这部分内容暂时无法显示，请稍后再试。",
  startupError: "页面加载出错，请刷新重试。",
};
