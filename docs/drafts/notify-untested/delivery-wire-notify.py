import re
root='/work/wt-delivery/backend/onething/'
def edit(p, old, new, count=1):
    s=open(root+p).read()
    assert old in s, (p, old[:60])
    s=s.replace(old,new,count)
    open(root+p,'w').write(s)
edit('core/settings.py','''@dataclass(frozen=True, slots=True)
class Settings:''','''@dataclass(frozen=True, slots=True)
class NotifySettings:
    """Telling residents: Web Push (VAPID key: base64url of the raw P-256 private scalar)."""

    vapid_private_key: str = ""
    vapid_subject: str = "mailto:ops@onething.invalid"
    push_ttl_seconds: int = 24 * 60 * 60

    @classmethod
    def from_env(cls) -> NotifySettings:
        return cls(
            vapid_private_key=_env("VAPID_PRIVATE_KEY", ""),
            vapid_subject=_env("VAPID_SUBJECT", "mailto:ops@onething.invalid"),
            push_ttl_seconds=_env_int("PUSH_TTL_SECONDS", 24 * 60 * 60),
        )


@dataclass(frozen=True, slots=True)
class Settings:''')
edit('core/settings.py','''    delivery: DeliverySettings = field(default_factory=DeliverySettings)
''','''    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    notify: NotifySettings = field(default_factory=NotifySettings)
''')
edit('core/settings.py','''            delivery=DeliverySettings.from_env(),
''','''            delivery=DeliverySettings.from_env(),
            notify=NotifySettings.from_env(),
''')
edit('core/routes.py','''    from onething.delivery.routes import api_handlers as delivery_handlers
''','''    from onething.delivery.routes import api_handlers as delivery_handlers
    from onething.notify.routes import api_handlers as notify_handlers
''')
edit('core/routes.py','''        *delivery_handlers(),
''','''        *delivery_handlers(),
        *notify_handlers(),
''')
edit('core/metadata.py','''import onething.delivery.models
''','''import onething.delivery.models
import onething.notify.models
''')
edit('core/app.py','''            Tag(name="delivery", description="Mail-home choice, parcels, courier tracking"),
''','''            Tag(name="delivery", description="Mail-home choice, parcels, courier tracking"),
            Tag(name="notifications", description="In-app messages, Web Push, SMS preferences"),
''')
edit('jobs_registry.py','''import onething.licenses.jobs''','''import onething.licenses.jobs
import onething.notify.jobs''')
edit('core/processes.py','''        "courier_secret": _urlsafe_key,
''','''        "courier_secret": _urlsafe_key,
        "vapid_private_key": _vapid_key,
''')
s=open(root+'core/processes.py').read()
s+='''

def _vapid_key() -> str:
    from onething.notify.push import new_vapid_private_key

    return new_vapid_private_key()
'''
open(root+'core/processes.py','w').write(s)
edit('core/devstack.py','''        if not self.env.get("COURIER_SECRET"):
            self.env["COURIER_SECRET"] = secrets["courier_secret"]
''','''        if not self.env.get("COURIER_SECRET"):
            self.env["COURIER_SECRET"] = secrets["courier_secret"]
        if not self.env.get("VAPID_PRIVATE_KEY"):
            self.env["VAPID_PRIVATE_KEY"] = secrets["vapid_private_key"]
''')
t='/work/wt-delivery/tests/conftest.py'
s=open(t).read()
s=s.replace('''        delivery=DeliverySettings(courier_secret=generate_key()),
''','''        delivery=DeliverySettings(courier_secret=generate_key()),
        notify=NotifySettings(vapid_private_key=new_vapid_private_key()),
''')
s=s.replace('''    IdentitySettings,''','''    IdentitySettings,
    NotifySettings,''',1)
s=s.replace('''from onething.identity.crypto import generate_key
''','''from onething.identity.crypto import generate_key
from onething.notify.push import new_vapid_private_key
''')
open(t,'w').write(s)
