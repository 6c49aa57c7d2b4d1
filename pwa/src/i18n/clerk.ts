/**
 * The clerk console's own messages, in its chunk only: a resident's phone never downloads
 * them (the shared ones, such as the inbox's title in the account menu, stay in the main
 * catalogs). Both languages are typed by the same interface.
 */
import type { Locale } from "./types";

export interface ClerkMessages {
  dueOn: (date: string) => string;
  refresh: string;
  inboxIntro: (count: number) => string;
  taskTitle: string;
  taskAnswers: string;
  taskUpstream: string;
  taskMaterials: string;
  decideHeading: string;
  noDecision: string;
  decisions: Record<string, string>;
  refuseReason: string;
  correctionMessage: string;
  correctionFields: string;
  decisionNote: string;
  pendingMaterial: string;
  pendingDeadline: string;
  keyValue: (key: string, value: string) => string;
  signatureValid: string;
  signatureInvalid: string;
}

const zhCN: ClerkMessages = {
  dueOn: (date) => `${date} 前办结`,
  refresh: "刷新",
  inboxIntro: (count) => `共 ${count} 件，按办结期限排序。`,
  taskTitle: "办件详情",
  taskAnswers: "本部门所需信息",
  taskUpstream: "前序事项结果",
  taskMaterials: "材料",
  decideHeading: "办理",
  noDecision: "当前状态下没有可以办理的操作。",
  decisions: {
    accept: "受理",
    start_review: "开始审核",
    approve: "办结",
    accept_pending_material: "容缺受理",
    request_correction: "要求补正",
    refuse: "不予受理",
    resume: "恢复办理",
  },
  refuseReason: "不予受理的理由",
  correctionMessage: "需要补正的内容",
  correctionFields: "需要修改的信息",
  decisionNote: "备注（选填）",
  pendingMaterial: "待补交的材料",
  pendingDeadline: "补交期限",
  keyValue: (key, value) => `${key}：${value}`,
  signatureValid: "签名核验通过",
  signatureInvalid: "签名核验未通过",
};

const en: ClerkMessages = {
  dueOn: (date) => `Due ${date}`,
  refresh: "Refresh",
  inboxIntro: (count) => `${count} task${count === 1 ? "" : "s"}, earliest due first.`,
  taskTitle: "Task",
  taskAnswers: "What this department needs",
  taskUpstream: "Results of earlier steps",
  taskMaterials: "Materials",
  decideHeading: "Decide",
  noDecision: "Nothing can be decided in this state.",
  decisions: {
    accept: "Accept",
    start_review: "Start review",
    approve: "Approve",
    accept_pending_material: "Accept, material to follow",
    request_correction: "Request a correction",
    refuse: "Refuse",
    resume: "Resume",
  },
  refuseReason: "Reason for refusing",
  correctionMessage: "What needs correcting",
  correctionFields: "Answers to change",
  decisionNote: "Note (optional)",
  pendingMaterial: "Material to follow",
  pendingDeadline: "Bring it by",
  keyValue: (key, value) => `${key}: ${value}`,
  signatureValid: "Signature verified",
  signatureInvalid: "Signature does not verify",
};

export const clerkMessages: Record<Locale, ClerkMessages> = { "zh-CN": zhCN, en };
