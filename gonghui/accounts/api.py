from datetime import datetime

from ninja import Router, Schema, Status

from gonghui.accounts import services
from gonghui.accounts.auth import worker_auth
from gonghui.core import pii

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: datetime


class OtpRequestIn(Schema):
    phone: str


class OtpRequestOut(Schema):
    status: str
    expires_in: int
    resend_after: int


class OtpVerifyIn(Schema):
    phone: str
    code: str


class WorkerMeOut(Schema):
    id: int
    phone: str


@router.post("/token", response=TokenOut, auth=None, summary="Staff bearer token")
def staff_token(request, payload: TokenIn):
    user = services.authenticate_staff(
        request, username=payload.username, password=payload.password, via="api"
    )
    token, expires = services.issue_staff_token(user, request=request)
    return {"token": token, "expires_at": expires}


@router.post(
    "/otp/request", response={202: OtpRequestOut}, auth=None, summary="Send a sign-in code"
)
def otp_request(request, payload: OtpRequestIn):
    services.request_otp(phone=payload.phone, request=request)
    return Status(
        202,
        {
            "status": "sent",
            "expires_in": int(services.OTP_TTL.total_seconds()),
            "resend_after": int(services.OTP_RESEND_AFTER.total_seconds()),
        },
    )


@router.post("/otp/verify", response=TokenOut, auth=None, summary="Worker bearer token")
def otp_verify(request, payload: OtpVerifyIn):
    worker = services.verify_otp(phone=payload.phone, code=payload.code, request=request)
    token, expires = services.issue_worker_token(worker)
    return {"token": token, "expires_at": expires}


@router.get("/me", response=WorkerMeOut, auth=worker_auth, summary="The signed-in worker")
def worker_me(request):
    worker = request.auth
    return {"id": worker.pk, "phone": pii.mask(pii.PHONE, worker.phone)}
