#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cblas.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int c,char**v){int M=atoi(v[1]),K=atoi(v[2]),N=atoi(v[3]);float*a=malloc(4L*M*K),*b=malloc(4L*K*N),*o=malloc(4L*M*N);
for(long i=0;i<(long)M*K;i++)a[i]=rand()/(float)RAND_MAX;for(long i=0;i<(long)K*N;i++)b[i]=rand()/(float)RAND_MAX;
double best=1e9;for(int t=0;t<300;t++){double s=now();cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasTrans,M,N,K,1,a,K,b,K,0,o,N);double e=now()-s;if(e<best)best=e;}
printf("openblas %dx%dx%d: %.1f us %.0f GF/s\n",M,K,N,best*1e6,2.0*M*N*K/best*1e-9);}
