#!/usr/bin/env python3
"""Writes the IMP-SECRET-* rule fixtures with freshly generated, never-issued fake tokens.

Every value is random (fixed seed, so reruns are stable) and of the right shape; GitHub and
npm tokens get a valid CRC32 checksum so they pass the detector's checksum test.
Run from the scan module: python3 src/test/scripts/gen_secret_fixtures.py
"""
import base64
import json
import os
import random
import string
import zlib

R = random.Random(20261125)
AN = string.ascii_letters + string.digits
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
BANNED = ("example", "dummy", "fake", "sample", "test", "placeholder", "redacted")


def rnd(n, alphabet=AN):
    while True:
        s = "".join(R.choice(alphabet) for _ in range(n))
        if not any(b in s.lower() for b in BANNED):
            return s


def crc62(s):
    v = zlib.crc32(s.encode())
    out = ""
    for _ in range(6):
        out = B62[v % 62] + out
        v //= 62
    return out


def checked(prefix):
    body = rnd(30)
    return prefix + body + crc62(body)


def b64url(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def pem(label, n=24):
    lines = [rnd(64, AN + "+/") for _ in range(n)]
    return "-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(lines), label)


HEX = "0123456789abcdef"
A32 = string.ascii_uppercase + "234567"
aws_id = "AKIA" + rnd(16, A32)
aws_secret = rnd(40, AN + "/+")
jwt = ".".join([b64url(b'{"alg":"HS256","typ":"JWT"}'),
                b64url(b'{"sub":"svc-billing","iat":1764000000}'), b64url(os.urandom(32))])
JWT_IO = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4g"
          "RG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
sa_key = pem("PRIVATE KEY").replace("\n", "\\n")
ssh_none = base64.b64encode(b"openssh-key-v1\0\0\0\0\x04none\0\0\0\x04none" + os.urandom(300))

F = {
    "001": ({"deploy.env": "AWS_REGION=eu-west-1\nAWS_ACCESS_KEY_ID=%s\n" % aws_id},
            {"README.md": "Use AKIAIOSFODNN7EXAMPLE as in the AWS docs.\n"
                          "The user id AIDA%s is not a key.\n" % rnd(16, A32)}),
    "002": ({"credentials": "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
             % (aws_id, aws_secret)},
            {"credentials": "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
             "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"}),
    "003": ({".env": "AWS_SESSION_TOKEN=FwoGZXIvYXdzE%s\n" % rnd(300, AN + "/+")},
            {".env": "AWS_SESSION_TOKEN=${AWS_SESSION_TOKEN}\n"}),
    "004": ({"release.sh": "export GH_TOKEN=%s\ngh release create v1\n" % checked("ghp_")},
            {"release.sh": "export GH_TOKEN=ghp_%s\n" % (rnd(30) + "AAAAAA")}),
    "005": ({".gitlab-ci.yml": "variables:\n  GITLAB_TOKEN: glpat-%s\n" % rnd(20, AN + "-_")},
            {".gitlab-ci.yml": "variables:\n  GITLAB_TOKEN: glpat-xxxxxxxxxxxxxxxxxxxx\n"}),
    "006": ({"bot.py": "SLACK = 'xoxb-%s-%s-%s'\n" % (rnd(11, string.digits),
             rnd(13, string.digits), rnd(24))},
            {"bot.py": "SLACK = os.environ['SLACK_BOT_TOKEN']  # xoxb-your-token\n"}),
    "007": ({"alerts.yaml": "webhook: https://hooks.slack.com/services/T%s/B%s/%s\n"
             % (rnd(9, A32), rnd(9, A32), rnd(24))},
            {"alerts.yaml": "webhook: https://hooks.slack.com/services/${SLACK_PATH}\n"}),
    "008": ({"settings.py": "STRIPE_KEY = 'sk_live_%s'\n" % rnd(24)},
            {"settings.py": "STRIPE_KEY = 'sk_%s_%s'\n" % ("test", rnd(24))}),
    "009": ({"maps.js": "const key = 'AIza%s';\n" % rnd(35, AN + "-_")},
            {"maps.js": "const key = 'AIza%s';\n" % rnd(20)}),
    "010": ({"sa.json": json.dumps({"type": "service_account", "project_id": "billing-prod",
             "private_key_id": rnd(40, HEX), "private_key": "@@KEY@@",
             "client_email": "ci@billing-prod.iam.gserviceaccount.com"}, indent=2)
             .replace("@@KEY@@", sa_key)},
            {"sa.json": json.dumps({"type": "service_account", "project_id": "billing-prod",
             "private_key": ""}, indent=2)}),
    "011": ({"appsettings.json": '{"Storage": "DefaultEndpointsProtocol=https;AccountName=acme;'
             'AccountKey=%s==;EndpointSuffix=core.windows.net"}\n' % rnd(86, AN + "+/")},
            {"appsettings.json": '{"Storage": "DefaultEndpointsProtocol=http;AccountName='
             'devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2U'
             'VErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="}\n'}),
    "012": ({"pipeline.env": "AZURE_CLIENT_SECRET=%s8Q~%s\n" % (rnd(3), rnd(34, AN + "_-."))},
            {"pipeline.env": "AZURE_CLIENT_SECRET=${{ secrets.AZURE_CLIENT_SECRET }}\n"}),
    "013": ({"upload.sh": "curl -T f 'https://acme.blob.core.windows.net/c/f?sv=2022-11-02"
             "&ss=b&srt=o&sp=rw&se=2027-01-01T00:00:00Z&sig=%s%%3D'\n" % rnd(43, AN + "%")},
            {"upload.sh": "curl -T f \"https://acme.blob.core.windows.net/c/f?${SAS}\"\n"}),
    "014": ({"publish.sh": "NPM_TOKEN=%s npm publish\n" % checked("npm_")},
            {"publish.sh": "NPM_TOKEN=npm_%s npm publish\n" % (rnd(30) + "zzzzzz")}),
    "015": ({"upload.cfg": "token = pypi-AgEIcHlwaS5vcmc%s\n" % rnd(120, AN + "-_")},
            {"upload.cfg": "token = pypi-AgEIcHlwaS5vcmc\n"}),
    "016": ({"login.sh": "echo dckr_pat_%s | docker login -u ci --password-stdin\n"
             % rnd(27, AN + "-_")},
            {"login.sh": "echo \"$DOCKERHUB_TOKEN\" | docker login -u ci --password-stdin\n"}),
    "017": ({"sms.env": "TWILIO_ACCOUNT_SID=AC%s\nTWILIO_AUTH_TOKEN=%s\n"
             % (rnd(32, HEX), rnd(32, HEX))},
            {"sms.env": "TWILIO_ACCOUNT_SID=AC%s\nTWILIO_AUTH_TOKEN=${TWILIO_AUTH_TOKEN}\n"
             % rnd(32, HEX)}),
    "018": ({"mail.py": "SENDGRID_API_KEY = 'SG.%s.%s'\n" % (rnd(22, AN + "-_"),
             rnd(43, AN + "-_"))},
            {"mail.py": "SENDGRID_API_KEY = os.getenv('SENDGRID_API_KEY')\n"}),
    "019": ({"datadog.yaml": "dd_api_key: %s\n" % rnd(32, HEX)},
            {"datadog.yaml": "dd_api_key: \"{{ .Values.datadog.apiKey }}\"\n"}),
    "020": ({"vault.env": "VAULT_TOKEN=hvs.%s\n" % rnd(90, AN + "_-")},
            {"vault.env": "VAULT_TOKEN=\"$(vault print token)\"\n"}),
    "021": ({"credentials.tfrc.json": '{"credentials": {"app.terraform.io": {"token": '
             '"%s.atlasv1.%s"}}}\n' % (rnd(14), rnd(67))},
            {"main.tf": "token = var.tfc_token\n"}),
    "022": ({"agent.py": "client = OpenAI(api_key='sk-proj-%s')\n" % rnd(100, AN + "_-")},
            {"agent.py": "client = OpenAI(api_key=os.environ['OPENAI_API_KEY'])  # sk-proj-...\n"}),
    "023": ({"claude.env": "ANTHROPIC_API_KEY=sk-ant-api03-%sAA\n" % rnd(93, AN + "_-")},
            {"claude.env": "ANTHROPIC_API_KEY=sk-ant-api03-xxxx\n"}),
    "024": ({"call.http": "GET /v1/bills\nAuthorization: Bearer %s\n" % jwt},
            {"call.http": "# token from the jwt.io docs\nAuthorization: Bearer %s\n" % JWT_IO}),
    "025": ({"id_rsa": pem("RSA PRIVATE KEY"),
             "id_ed25519": "-----BEGIN OPENSSH PRIVATE KEY-----\n%s\n"
                           "-----END OPENSSH PRIVATE KEY-----\n" % ssh_none.decode()},
            {"server.pub.pem": pem("PUBLIC KEY", 6)}),
    "026": ({"key.pem": pem("ENCRYPTED PRIVATE KEY")},
            {"cert.pem": pem("CERTIFICATE", 10)}),
    "027": ({"application.properties": "db.url=postgres://billing:%s@db.internal:5432/billing\n"
             % rnd(16)},
            {"application.properties": "db.url=postgres://billing:${DB_PASSWORD}@db:5432/b\n"}),
    "028": ({".netrc": "machine api.acme.io\n  login ci\n  password %s\n" % rnd(20)},
            {".netrc": "machine api.acme.io\n  login ci\n"}),
    "029": ({".npmrc": "//npm.acme.io/:_authToken=%s\n" % rnd(40)},
            {".npmrc": "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"}),
    "030": ({".pypirc": "[distutils]\nindex-servers = acme\n\n[acme]\nrepository = "
             "https://pypi.acme.io\nusername = ci\npassword = %s\n" % rnd(18)},
            {".pypirc": "[acme]\nrepository = https://pypi.acme.io\nusername = ci\n"
             "password = <your token>\n"}),
    "031": ({"kubeconfig.yaml": "apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n"
             "users:\n- name: admin\n  user:\n    client-certificate-data: %s\n"
             "    client-key-data: %s\n" % (rnd(200, AN + "+/"), rnd(400, AN + "+/"))},
            {"kubeconfig.yaml": "apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n"
             "users:\n- name: ci\n  user:\n    exec:\n      apiVersion: "
             "client.authentication.k8s.io/v1beta1\n      command: aws\n"}),
    "032": ({".htpasswd": "admin:$apr1$%s$%s\n" % (rnd(8), rnd(22, AN + "./"))},
            {"nginx.conf": "auth_basic_user_file /etc/nginx/.htpasswd;\n"}),
    "033": ({"config.py": "db_password = \"%s!%s\"\n" % (rnd(8), rnd(8))},
            {"config.py": "db_password = os.environ[\"DB_PASSWORD\"]\n"
             "api_token = get_token()\nsecret_name = \"billing-db\"\n"}),
}

root = "src/test/resources/rules"
for rid, (pos, neg) in F.items():
    for kind, files in (("positive", pos), ("negative", neg)):
        d = os.path.join(root, "IMP-SECRET-" + rid, kind)
        os.makedirs(d, exist_ok=True)
        for name, text in files.items():
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
