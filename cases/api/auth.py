"""API sign-in: user name, password and (when the account has one or must have one) a second-factor
code, for a token that expires. DELETE signs the token out."""
from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from cases.middleware import client_ip
from cases.models import ApiToken
from cases.tokens import api_token_issue, api_token_revoke
from cases.two_factor import confirmed_device, two_factor_required, verify_second_factor


class ClientAddressScopedThrottle(ScopedRateThrottle):
    """Keyed on the client address behind the trusted proxies, not on what the client claims."""

    def get_ident(self, request):
        return client_ip(request) or request.META.get("REMOTE_ADDR", "")


class TokenSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})
    otp_token = serializers.CharField(required=False, allow_blank=True,
                                      help_text="Authenticator code (or a recovery code).")


TokenAnswer = inline_serializer("ApiTokenIssued", fields={
    "token": serializers.CharField(), "expires_at": serializers.DateTimeField()})


class ObtainTokenView(APIView):
    """Exchange user name, password and the authenticator code for an API token that expires."""
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ClientAddressScopedThrottle]
    throttle_scope = "login"

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return super().get_permissions()

    def get_authenticators(self):
        from cases.tokens import ExpiringTokenAuthentication

        if getattr(self, "request", None) is not None and self.request.method == "DELETE":
            return [ExpiringTokenAuthentication()]
        return []

    @extend_schema(request=TokenSerializer, responses={200: TokenAnswer})
    def post(self, request):
        body = TokenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = authenticate(request._request, username=body.validated_data["username"],
                            password=body.validated_data["password"])
        if user is None:
            return Response({"detail": "Wrong user name or password, or the account is locked."},
                            status=status.HTTP_400_BAD_REQUEST)
        code = body.validated_data.get("otp_token") or ""
        if confirmed_device(user) is not None or two_factor_required(user):
            if confirmed_device(user) is None:
                return Response({"otp_token": "Set up two-factor sign-in on the security page first."},
                                status=status.HTTP_400_BAD_REQUEST)
            if verify_second_factor(user, code) is None:
                return Response({"otp_token": "A valid authenticator code is required."},
                                status=status.HTTP_400_BAD_REQUEST)
        token, key = api_token_issue(user=user)
        return Response({"token": key, "expires_at": token.expires_at})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        """Revoke the token this request is made with."""
        if isinstance(request.auth, ApiToken):
            api_token_revoke(token=request.auth, by=request.user, reason="api sign-out")
        return Response(status=status.HTTP_204_NO_CONTENT)
