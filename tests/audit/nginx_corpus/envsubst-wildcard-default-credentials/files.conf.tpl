server {
    listen 8080;
    root /usr/share/nginx/html;
    location / {
        add_header Access-Control-Allow-Origin "${ALLOW_ORIGIN}" always;
        add_header Access-Control-Allow-Credentials true always;
    }
}
