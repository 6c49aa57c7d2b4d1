/**
 * Agent mode's own messages (the service hall's screen), in its chunk only: a resident's
 * phone never downloads them (the "acting for …" banner's stay in the main catalogs). Both
 * languages are typed by the same interface.
 */
import type { Locale } from "./types";

export interface AgentMessages {
  actForButton: string;
  actForFailed: string;
  activeDelegations: string;
  agentIntro: string;
  confirmConsent: string;
  consentCode: string;
  consentCodeHint: string;
  delegationBundle: string;
  residentPhone: string;
  sendConsentCode: string;
  theResident: string;
}

const zhCN: AgentMessages = {
  actForButton: "代其办理",
  actForFailed: "无法代其办理：授权可能已撤销或过期。",
  activeDelegations: "有效的代办授权",
  agentIntro: "代居民办理前，须经本人同意：居民会收到一条验证码短信，请居民把验证码告诉您。",
  confirmConsent: "确认授权",
  consentCode: "居民收到的验证码",
  consentCodeHint: "6 位数字，5 分钟内有效。",
  delegationBundle: "代办事项",
  residentPhone: "居民手机号码",
  sendConsentCode: "发送确认短信",
  theResident: "居民",
};

const en: AgentMessages = {
  actForButton: "Act for this resident",
  actForFailed: "Cannot act for this resident: the authorisation may have been revoked or have expired.",
  activeDelegations: "Active authorisations",
  agentIntro: "Before acting for a resident you need their consent: they receive a code by SMS and read it out to you.",
  confirmConsent: "Confirm consent",
  consentCode: "Code the resident received",
  consentCodeHint: "6 digits, valid for 5 minutes.",
  delegationBundle: "Life event",
  residentPhone: "Resident's mobile number",
  sendConsentCode: "Send the consent SMS",
  theResident: "the resident",
};

export const agentMessages: Record<Locale, AgentMessages> = { "zh-CN": zhCN, en };
