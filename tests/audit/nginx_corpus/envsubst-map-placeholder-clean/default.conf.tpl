map $http_origin $cors_origin {
    default "";
    "${CORS_ALLOW_ORIGIN}" $http_origin;
}
server {
    listen 80;
    location / {
        proxy_pass http://${UPSTREAM_CONTAINER}:${UPSTREAM_PORT};
        proxy_hide_header Access-Control-Allow-Origin;
        add_header Access-Control-Allow-Origin $cors_origin always;
        add_header Vary Origin always;
    }
}
