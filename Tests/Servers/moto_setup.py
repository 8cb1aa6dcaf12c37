"""Sets up a running moto server for the AWS KMS provider's tests, then turns its IAM checks on.

Run by scripts/with-moto with the server's URL as its one argument and an output file as its
second. While moto still lets every request through (INITIAL_NO_AUTH_ACTION_COUNT not yet
reached) it creates:

- IAM user actorkeys, whose inline policy allows kms:*, and an access key for it;
- IAM user actorkeys-noperm, with no policy, and an access key for it;
- a symmetric KMS key (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT), a disabled one, and an RSA_2048 one.

It then POSTs 0 to /moto-api/reset-auth (what moto's own set_initial_no_auth_action_count does in
server mode), so every later request must carry a SigV4 signature made with a known access key,
and checks that this holds: a request signed with a wrong secret must fail. The variables are
written as shell assignments to the output file (0600); nothing is printed.
"""

import os
import shlex
import sys
import urllib.request

import boto3
import botocore.exceptions

REGION = "us-east-1"


def client(service, endpoint, key_id="setup", secret="setup"):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
    )


def main():
    endpoint, output = sys.argv[1], sys.argv[2]
    iam = client("iam", endpoint)
    iam.create_user(UserName="actorkeys")
    iam.put_user_policy(
        UserName="actorkeys",
        PolicyName="kms-all",
        PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}',
    )
    access = iam.create_access_key(UserName="actorkeys")["AccessKey"]
    iam.create_user(UserName="actorkeys-noperm")
    noperm = iam.create_access_key(UserName="actorkeys-noperm")["AccessKey"]

    kms = client("kms", endpoint)
    key = kms.create_key(KeySpec="SYMMETRIC_DEFAULT", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    disabled = kms.create_key(KeySpec="SYMMETRIC_DEFAULT", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    kms.disable_key(KeyId=disabled["KeyId"])
    rsa = kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]

    request = urllib.request.Request(
        endpoint + "/moto-api/reset-auth", data=b"0", method="POST", headers={"Content-Type": "text/plain"}
    )
    urllib.request.urlopen(request, timeout=10).read()

    good = client("kms", endpoint, access["AccessKeyId"], access["SecretAccessKey"])
    good.describe_key(KeyId=key["Arn"])
    secret = access["SecretAccessKey"]
    # One character off; never the same character (a secret ending in "x" made this flaky).
    wrong = client("kms", endpoint, access["AccessKeyId"], secret[:-1] + ("y" if secret.endswith("x") else "x"))
    try:
        wrong.describe_key(KeyId=key["Arn"])
    except botocore.exceptions.ClientError as error:
        # moto answers IAM failures with a query-protocol XML body, which botocore's JSON parser
        # leaves in Message; the code is in there.
        said = error.response["Error"].get("Code", "") + error.response["Error"].get("Message", "")
        if "SignatureDoesNotMatch" not in said and "InvalidSignatureException" not in said:
            raise SystemExit("moto_setup: a request signed with a wrong secret failed, but not with a signature error")
    else:
        raise SystemExit("moto_setup: moto accepted a request signed with a wrong secret; auth is not enforced")

    values = {
        "ACTORKEYS_TEST_AWS_ENDPOINT": endpoint,
        "ACTORKEYS_TEST_AWS_REGION": REGION,
        "ACTORKEYS_TEST_AWS_KEY_ID": key["Arn"],
        "ACTORKEYS_TEST_AWS_DISABLED_KEY_ID": disabled["Arn"],
        "ACTORKEYS_TEST_AWS_RSA_KEY_ID": rsa["Arn"],
        "ACTORKEYS_TEST_AWS_ACCESS_KEY_ID": access["AccessKeyId"],
        "ACTORKEYS_TEST_AWS_SECRET_ACCESS_KEY": access["SecretAccessKey"],
        "ACTORKEYS_TEST_AWS_NOPERM_ACCESS_KEY_ID": noperm["AccessKeyId"],
        "ACTORKEYS_TEST_AWS_NOPERM_SECRET_ACCESS_KEY": noperm["SecretAccessKey"],
    }
    descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        for name, value in values.items():
            out.write(f"export {name}={shlex.quote(value)}\n")


if __name__ == "__main__":
    main()
