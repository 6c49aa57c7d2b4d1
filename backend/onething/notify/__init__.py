"""Keeping the resident informed: in-app messages, Web Push (VAPID, RFC 8291) and SMS, in
zh-CN or en, by the resident's preferences."""
