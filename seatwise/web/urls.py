from django.http import HttpResponse
from django.urls import path

app_name = "web"

urlpatterns = [path("", lambda r: HttpResponse("Seatwise"), name="home")]
